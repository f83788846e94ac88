package io.fedlink.server;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Registry of connected clients. Inject it into a coordinator service and wait for a quorum:
 * {@code clientManager.getClients(3)} blocks until three clients are connected. Every wait is bounded,
 * by the {@code Duration} given or by {@code fedlink.server.quorum.timeout}. Thread-safe.
 */
public interface ClientManager {

    /**
     * Adds a client and wakes every quorum waiter. Returns {@code false} (and adds nothing) if a client with
     * the same id is registered or the registry is full.
     */
    boolean register(ClientProxy client);

    /** Removes a client; does nothing if it is not registered. */
    void unregister(ClientProxy client, DisconnectReason reason);

    /** How many clients are connected now. */
    int numAvailable();

    /** A snapshot of the connected clients, in registration order; later changes do not show in it. */
    List<ClientProxy> all();

    /** The connected client with this id. */
    Optional<ClientProxy> get(String clientId);

    /**
     * Blocks until at least {@code minNumClients} are connected or {@code timeout} passes.
     *
     * @return {@code true} if the quorum was reached, {@code false} on timeout
     * @throws InterruptedException if the waiting thread is interrupted
     */
    boolean waitFor(int minNumClients, Duration timeout) throws InterruptedException;

    /**
     * Blocks until at least {@code minNumClients} are connected, bounded by the configured quorum timeout,
     * and returns a snapshot of all connected clients.
     *
     * @throws QuorumTimeoutException if the quorum was not reached in time
     */
    List<ClientProxy> getClients(int minNumClients);

    /** As {@link #getClients(int)}, bounded by {@code timeout}. */
    List<ClientProxy> getClients(int minNumClients, Duration timeout);

    /**
     * Waits (bounded by the quorum timeout) until {@code numClients} are connected, then returns
     * {@code numClients} of those that match {@code criterion}, chosen at random; fewer if fewer match.
     *
     * @throws QuorumTimeoutException if fewer than {@code numClients} connected in time
     */
    List<ClientProxy> sample(int numClients, Predicate<? super ClientProxy> criterion);

    /** {@link #sample(int, Predicate)} with every client eligible. */
    default List<ClientProxy> sample(int numClients) {
        return sample(numClients, client -> true);
    }

    /** Adds a listener told of every registration and unregistration. */
    void addListener(ClientManagerListener listener);
}
