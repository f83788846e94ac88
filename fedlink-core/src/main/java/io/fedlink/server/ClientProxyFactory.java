package io.fedlink.server;

/**
 * Creates the {@link ClientProxy} for each new client stream; declare one as a bean (for example
 * {@code Participant::new}) to get your own proxy type from {@link ClientManager}. Called on a gRPC thread
 * when the stream opens: keep it fast and non-blocking.
 */
@FunctionalInterface
public interface ClientProxyFactory {

    ClientProxy create(ClientStream stream);
}
