package io.fedlink.server;

/**
 * Told of every registration and unregistration, outside the registry lock, on the thread that made it (often a gRPC
 * thread: return quickly). An exception a listener throws is logged by the {@link DefaultClientManager} and changes
 * nothing else: the client is registered or unregistered all the same, and the listeners after it are still told.
 */
public interface ClientManagerListener {

    default void registered(ClientProxy client) {
    }

    default void unregistered(ClientProxy client, DisconnectReason reason) {
    }
}
