package io.fedlink.server;

/** What happens to a client whose reply to an instruction did not arrive within the reply timeout. */
public enum TimeoutPolicy {

    /** Close the client's stream and unregister it (what a Flower server does). */
    DROP,

    /**
     * Keep the client connected. It stays busy until its late reply arrives; that reply is logged and
     * discarded, and only then may the next instruction go out.
     */
    KEEP
}
