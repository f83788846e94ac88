package io.fedlink.server;

/** Told of every registration and unregistration, outside the registry lock, on the thread that made it. */
public interface ClientManagerListener {

    default void registered(ClientProxy client) {
    }

    default void unregistered(ClientProxy client, DisconnectReason reason) {
    }
}
