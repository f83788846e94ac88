package io.fedlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedlink.client.AddressSpreading;
import io.fedlink.client.Backoff;
import io.fedlink.client.ClientRunner;
import io.fedlink.client.ClientRunnerListener;
import io.fedlink.client.ClientRunnerSettings;
import io.fedlink.client.ConnectionTemplate;
import io.fedlink.client.FederatedClient;
import io.fedlink.coordinator.FailureRecord;
import io.fedlink.coordinator.FederatedTraining;
import io.fedlink.coordinator.RoundListener;
import io.fedlink.coordinator.RoundRecord;
import io.fedlink.coordinator.TrainingResult;
import io.fedlink.proto.ClientMessage.FitRes;
import io.fedlink.proto.ClientMessage.GetParametersRes;
import io.fedlink.proto.ServerMessage.FitIns;
import io.fedlink.proto.ServerMessage.GetParametersIns;
import io.fedlink.proto.ServerMessage.GetPropertiesIns;
import io.fedlink.relay.RelayMetrics;
import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientProxy;
import io.fedlink.strategy.FedAvg;
import io.fedlink.strategy.StrategyOptions;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import io.grpc.InternalFeatureFlags;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.process.ManagedProcess;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import net.devh.boot.grpc.client.nameresolver.StaticNameResolverProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Issue 13's failure: a root coordinator, 3 relays (the sample-server jar with {@code fedlink.relay.enabled=true}, each
 * its own JVM) and 24 clients whose target lists all three relays. One relay is SIGKILLed while round 2 is in flight:
 * the root records that relay's failure, its clients reconnect to the other relays by themselves (the root waits
 * after round 2 until the relays' {@code get_properties} count all 24 again), round 3 folds in all 24 clients, and the
 * training completes. The root and the clients run in this JVM, the relays as processes.
 */
class RelayFailoverIT {

    private static final int RELAYS = 3;
    private static final int CLIENTS = 24; // a relay left without clients by the random spread: 3 x (2/3)^24 odds
    private static final int ROUNDS = 4;
    private static final Duration FIT = Duration.ofMillis(1500);

    private final List<ClientRunner> clients = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private SampleFederation federation;
    private TestCoordinator root;

    @AfterEach
    void stopAll() {
        clients.forEach(client -> client.stop(Duration.ofSeconds(5)));
        channels.forEach(ManagedChannel::shutdownNow);
        if (federation != null) {
            federation.close();
        }
        if (root != null) {
            root.close();
        }
    }

    @Test
    void aRelayKilledInRound2IsRecordedItsClientsMoveAndRound3IncludesThemAll(TestInfo test) throws Exception {
        root = TestCoordinator.tcp().replyTimeout(Duration.ofSeconds(60)).quorumTimeout(Duration.ofSeconds(60)).start();
        ClientManager rootClients = root.clientManager();
        federation = new SampleFederation(test.getTestMethod().orElseThrow().getName());
        List<Integer> relayPorts = new ArrayList<>();
        List<ManagedProcess> relays = new ArrayList<>();
        for (int i = 0; i < RELAYS; i++) {
            int port = SampleFederation.freePort();
            relayPorts.add(port);
            relays.add(federation.startRelay(i, port, root.port(), "--fedlink.relay.min-clients=1",
                    "--fedlink.relay.fit-timeout=30s"));
        }
        // Clients started before every relay listens would all take the first one up (pick_first moves past a refused
        // address) and stay there: gRPC spreads connections as they are made, it does not move them later.
        String target = "static://" + relayPorts.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
        List<SlowClient> leaves = startClients(target);

        await().atMost(Duration.ofMinutes(3)).until(() -> rootClients.numAvailable() == RELAYS
                || relays.stream().anyMatch(relay -> !relay.isAlive()));
        assertThat(rootClients.numAvailable()).as("relays joined the root; logs in %s", federation.logDir())
                .isEqualTo(RELAYS);

        ManagedProcess victim = relays.get(0);
        TrainingResult result = FederatedTraining.builder(rootClients)
                .strategy(new FedAvg(StrategyOptions.builder().minAvailableClients(2).minFitClients(2)
                        .fractionEvaluate(0.0).build()))
                .rounds(ROUNDS).fitTimeout(Duration.ofSeconds(60))
                .listener(new RoundListener() {
                    @Override
                    public void roundStarted(int round, List<ClientProxy> asked) {
                        if (round == 2) {
                            Thread killer = new Thread(() -> killMidFit(victim), "relay-killer");
                            killer.start();
                        }
                    }

                    /** Before round 3, as an operator would: until the relays left report every client back. */
                    @Override
                    public void roundCompleted(RoundRecord record) {
                        if (record.round() == 2) {
                            await().atMost(Duration.ofSeconds(60)).until(() -> clientsReportedByRelays(rootClients) == CLIENTS);
                        }
                    }
                })
                .build().run();

        List<RoundRecord> rounds = result.history().rounds();
        assertThat(rounds).hasSize(ROUNDS).allMatch(RoundRecord::completed);
        RoundRecord second = rounds.get(1);
        assertThat(second.clientsAsked()).isEqualTo(RELAYS);
        assertThat(second.fitReplies()).isEqualTo(RELAYS - 1);
        assertThat(second.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.phase()).isEqualTo(FailureRecord.Phase.FIT);
            assertThat(failure.error()).isEqualTo("ClientDisconnectedException");
        });
        RoundRecord third = rounds.get(2);
        assertThat(third.clientsAsked()).isEqualTo(RELAYS - 1);
        assertThat(third.fitMetrics()).containsEntry(RelayMetrics.REPLIES, (double) CLIENTS)
                .containsEntry(RelayMetrics.FAILURES, 0.0);
        List<SlowClient> moved = leaves.stream().filter(leaf -> leaf.sessions.get() >= 2).toList();
        assertThat(moved).as("the killed relay's clients").isNotEmpty();
        assertThat(moved).allSatisfy(leaf -> assertThat(leaf.fitsInLaterSessions.get()).isPositive());
        assertThat(ParametersCodec.decode(result.model()).get(0).getDouble(0)).isEqualTo(ROUNDS);
    }

    /** What the relays answer to get_properties_ins: their connected clients, added up. */
    private static long clientsReportedByRelays(ClientManager rootClients) {
        long total = 0;
        for (ClientProxy relay : rootClients.all()) {
            total += relay.getProperties(GetPropertiesIns.getDefaultInstance()).getPropertiesMap()
                    .get(RelayMetrics.CLIENTS).getSint64();
        }
        return total;
    }

    private static void killMidFit(ManagedProcess victim) {
        try {
            Thread.sleep(FIT.toMillis() / 3);
            victim.kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<SlowClient> startClients(String target) {
        // The gRPC starter's static resolver and the parsing it needs with grpc-java 1.83, as a Spring client gets them.
        InternalFeatureFlags.setRfc3986UrisEnabled(false);
        NameResolverRegistry.getDefaultRegistry().register(new StaticNameResolverProvider());
        ClientRunnerSettings settings = new ClientRunnerSettings(false,
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.2, 0));
        List<SlowClient> leaves = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            SlowClient leaf = new SlowClient();
            leaves.add(leaf);
            ManagedChannel channel = AddressSpreading.apply(NettyChannelBuilder.forTarget(target)).usePlaintext().build();
            channels.add(channel);
            ClientRunner runner = new ClientRunner(new ConnectionTemplate(channel, 1 << 20, target), leaf, settings, leaf);
            clients.add(runner);
            runner.start();
        }
        return leaves;
    }

    /** Trains for {@link #FIT} by adding 1 to every weight; counts its sessions and its fits after the first one. */
    private static final class SlowClient implements FederatedClient, ClientRunnerListener {
        final AtomicInteger sessions = new AtomicInteger();
        final AtomicInteger fitsInLaterSessions = new AtomicInteger();

        @Override
        public void connected(String target, int session) {
            sessions.set(session);
        }

        @Override
        public GetParametersRes getParameters(GetParametersIns ins) {
            return GetParametersRes.newBuilder().setParameters(ParametersCodec.encode(NdArray.of(new float[4], 4))).build();
        }

        @Override
        public FitRes fit(FitIns ins) {
            try {
                Thread.sleep(FIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("stopped while fitting", e);
            }
            if (sessions.get() >= 2) {
                fitsInLaterSessions.incrementAndGet();
            }
            float[] weights = ParametersCodec.decode(ins.getParameters()).get(0).toFloatArray();
            for (int i = 0; i < weights.length; i++) {
                weights[i] += 1;
            }
            return FitRes.newBuilder().setParameters(ParametersCodec.encode(NdArray.of(weights, 4))).setNumExamples(10).build();
        }
    }
}
