package io.fedlink.client;

/** What a client application depends on to reach a coordinator; implemented by {@link ConnectionTemplate}. */
public interface ConnectionOperations {

    /**
     * Opens a new {@code Join} stream. Never blocks: a coordinator that cannot be reached shows up as a
     * {@link ConnectionClosedException} from the connection's first {@code consume()} or {@code dispatch()}.
     */
    Connection connect();
}
