package io.fedlink.server;

/** What happens to a client whose reply to an instruction did not arrive within the reply timeout. */
public enum TimeoutPolicy {

    /** Close the client's stream and unregister it (what a Flower server does). */
    DROP,

    /**
     * Keep the client connected. It stays busy until its late reply arrives; that reply is logged and
     * discarded, and only then may the next instruction go out. The wait for the late reply is bounded by the
     * same timeout again: a client that does not send it by then is dropped, so a client that never answers does
     * not count toward quorums for ever.
     */
    KEEP
}
