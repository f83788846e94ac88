package io.fedlink.coordinator;

import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientProxy;
import java.time.Duration;
import java.util.List;

/**
 * Chooses the clients of a round. May block (bounded) waiting for a quorum; a {@link io.fedlink.FedlinkException}
 * it throws (such as {@link io.fedlink.server.QuorumTimeoutException}) fails the round with that message.
 */
@FunctionalInterface
public interface ClientSelector {

    /** The clients to train with in {@code round}. */
    List<ClientProxy> select(ClientManager clientManager, int round);

    /** Every connected client, once at least {@code minClients} are (bounded by the manager's quorum timeout). */
    static ClientSelector all(int minClients) {
        return (clientManager, round) -> clientManager.getClients(minClients);
    }

    /** Every connected client, once at least {@code minClients} are, waiting at most {@code timeout}. */
    static ClientSelector all(int minClients, Duration timeout) {
        return (clientManager, round) -> clientManager.getClients(minClients, timeout);
    }

    /** {@code numClients} clients chosen at random each round, once that many are connected. */
    static ClientSelector sample(int numClients) {
        return (clientManager, round) -> clientManager.sample(numClients);
    }
}
