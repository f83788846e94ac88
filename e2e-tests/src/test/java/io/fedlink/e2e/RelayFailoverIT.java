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
import io.fedlink.server.ClientManagerServicer;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.DefaultClientManager;
import io.fedlink.server.DefaultClientProxy;
import io.fedlink.server.StreamSettings;
import io.fedlink.server.TimeoutPolicy;
import io.fedlink.strategy.FedAvg;
import io.fedlink.strategy.StrategyOptions;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import io.grpc.InternalFeatureFlags;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import net.devh.boot.grpc.client.nameresolver.StaticNameResolverProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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

    private final Path logDir = SampleFederation.REPOSITORY.resolve("e2e-tests/target/e2e-logs/RelayFailoverIT");
    private final List<AppProcess> relays = new ArrayList<>();
    private final List<ClientRunner> clients = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private Server root;

    @AfterEach
    void stopAll() throws InterruptedException {
        clients.forEach(client -> client.stop(Duration.ofSeconds(5)));
        channels.forEach(ManagedChannel::shutdownNow);
        for (AppProcess relay : relays) {
            relay.close();
        }
        if (root != null) {
            root.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRelayKilledInRound2IsRecordedItsClientsMoveAndRound3IncludesThemAll() throws Exception {
        DefaultClientManager rootClients = new DefaultClientManager(Duration.ofSeconds(60), 100);
        root = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new ClientManagerServicer(rootClients, DefaultClientProxy::new,
                        new StreamSettings(Duration.ofSeconds(60), TimeoutPolicy.DROP)))
                .build().start();
        List<Integer> relayPorts = new ArrayList<>();
        for (int i = 0; i < RELAYS; i++) {
            int port = SampleFederation.freePort();
            relayPorts.add(port);
            relays.add(AppProcess.start("relay-" + i, SampleFederation.SERVER_JAR, logDir, List.of(
                    "--fedlink.relay.enabled=true", "--fedlink.relay.min-clients=1", "--fedlink.relay.fit-timeout=30s",
                    "--grpc.client.fedlink.address=static://127.0.0.1:" + root.getPort(),
                    "--grpc.client.fedlink.negotiation-type=plaintext", "--grpc.server.port=" + port, "--server.port=0",
                    "--fedlink.server.training.auto-start=false")));
        }
        // Clients started before every relay listens would all take the first one up (pick_first moves past a refused
        // address) and stay there: gRPC spreads connections as they are made, it does not move them later.
        for (AppProcess relay : relays) {
            relay.awaitLine("gRPC server started", Duration.ofMinutes(2), line -> line.contains("gRPC Server started"));
        }
        String target = "static://" + relayPorts.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
        List<SlowClient> leaves = startClients(target);

        await().atMost(Duration.ofMinutes(3)).until(() -> rootClients.numAvailable() == RELAYS
                || relays.stream().anyMatch(relay -> !relay.isAlive()));
        assertThat(rootClients.numAvailable()).as("relays joined the root; logs in %s", logDir).isEqualTo(RELAYS);

        AppProcess victim = relays.get(0);
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
    private static long clientsReportedByRelays(DefaultClientManager rootClients) {
        long total = 0;
        for (ClientProxy relay : rootClients.all()) {
            total += relay.getProperties(GetPropertiesIns.getDefaultInstance()).getPropertiesMap()
                    .get(RelayMetrics.CLIENTS).getSint64();
        }
        return total;
    }

    private static void killMidFit(AppProcess victim) {
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
