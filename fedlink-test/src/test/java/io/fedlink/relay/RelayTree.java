package io.fedlink.relay;

import io.fedlink.client.ClientRunner;
import io.fedlink.client.ClientRunnerSettings;
import io.fedlink.client.FederatedClient;
import io.fedlink.server.ClientManager;
import io.fedlink.test.TestCoordinator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A root coordinator with relays between it and the leaf clients, everything real over the in-process transport:
 * each relay is a {@link TestCoordinator} for its clients plus a {@link Relay} joined to the root; each leaf client a
 * {@link ClientRunner} of the relay's {@link TestCoordinator#federation()} joined to one relay (client {@code i} to relay {@code i % relays}). With no relays the clients
 * join the root directly (the flat federation to compare with).
 */
final class RelayTree implements AutoCloseable {

    private static final Duration STOP = Duration.ofSeconds(10);

    final TestCoordinator root;
    final List<TestCoordinator> relayServers = new ArrayList<>();
    final List<Relay> relays = new ArrayList<>();
    final List<ClientRunner> clients = new ArrayList<>();

    private RelayTree(int relayCount, List<? extends FederatedClient> leaves, RelaySettings settings) {
        root = TestCoordinator.inProcess().quorumTimeout(Duration.ofSeconds(30)).start();
        for (int r = 0; r < relayCount; r++) {
            TestCoordinator server = TestCoordinator.inProcess().quorumTimeout(Duration.ofSeconds(30)).start();
            relayServers.add(server);
            Relay relay = new Relay(root.connectionTemplate(), server.clientManager(), settings, ClientRunnerSettings.defaults());
            relays.add(relay);
            relay.start();
        }
        for (int i = 0; i < leaves.size(); i++) {
            TestCoordinator target = relayCount == 0 ? root : relayServers.get(i % relayCount);
            clients.add(target.federation().start(leaves.get(i)));
        }
    }

    /** {@code relays} relays, each waiting for its share of {@code leaves} before it joins the root. */
    static RelayTree withRelays(int relays, List<? extends FederatedClient> leaves, RelaySettings settings) {
        return new RelayTree(relays, leaves, settings);
    }

    /** The same clients joined to the root directly. */
    static RelayTree flat(List<? extends FederatedClient> leaves) {
        return new RelayTree(0, leaves, RelaySettings.defaults());
    }

    /** The root's registry: the relays, or the leaf clients of a flat federation. */
    ClientManager rootClients() {
        return root.clientManager();
    }

    @Override
    public void close() {
        relays.forEach(relay -> relay.stop(STOP));
        relayServers.forEach(TestCoordinator::close); // each stops the leaf clients it started
        root.close();
    }
}
