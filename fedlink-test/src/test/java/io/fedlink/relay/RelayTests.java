package io.fedlink.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedlink.client.ClientRunner;
import io.fedlink.client.ClientRunnerStatus;
import io.fedlink.coordinator.FederatedTraining;
import io.fedlink.coordinator.TrainingResult;
import io.fedlink.strategy.FedAvg;
import io.fedlink.strategy.StrategyOptions;
import io.fedlink.tensor.ParametersCodec;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The relay's life: it joins upstream only once its clients are there, and when upstream ends the training it
 * passes the end on to its clients (or keeps them, when configured so).
 */
class RelayTests {

    private static final Duration BOUND = Duration.ofSeconds(30);

    @Test
    void aRelayJoinsUpstreamOnlyOnceMinClientsAreConnected() throws Exception {
        RelaySettings settings = new RelaySettings(2, Duration.ofSeconds(5), Duration.ofSeconds(5), 64, true, true);
        try (RelayTree tree = RelayTree.withRelays(1, List.of(), settings)) {
            Thread.sleep(1500);
            assertThat(tree.root.clientManager().numAvailable()).isZero();
            assertThat(tree.relays.get(0).upstreamStatus()).isEmpty();

            for (int i = 0; i < 2; i++) {
                tree.clients.add(tree.relayServers.get(0).federation().start(new LinearTrainer(i)));
            }
            await().atMost(BOUND).until(() -> tree.root.clientManager().numAvailable() == 1);
            assertThat(tree.relays.get(0).upstreamStatus()).isPresent();
        }
    }

    @Test
    void theEndOfTrainingUpstreamReachesEveryClientOfTheRelay() throws Exception {
        try (RelayTree tree = RelayTree.withRelays(2, leaves(4), settings(true))) {
            TrainingResult result = train(tree);

            assertThat(result.history().rounds()).allMatch(record -> record.completed());
            await().atMost(BOUND).until(() -> tree.clients.stream()
                    .allMatch(client -> client.status().phase() == ClientRunnerStatus.Phase.STOPPED));
            await().atMost(BOUND).until(() -> tree.relays.stream().allMatch(Relay::trainingEnded));
            assertThat(tree.relays.get(0).termination()).succeedsWithin(BOUND);
        }
    }

    @Test
    void withPassOnEndOfTrainingFalseTheRelaysClientsStayConnected() throws Exception {
        try (RelayTree tree = RelayTree.withRelays(2, leaves(4), settings(false))) {
            train(tree);

            await().atMost(BOUND).until(() -> tree.relays.stream().allMatch(Relay::trainingEnded));
            assertThat(tree.relays.get(0).termination()).succeedsWithin(BOUND);
            assertThat(tree.relayServers).allMatch(server -> server.clientManager().numAvailable() == 2);
            assertThat(tree.clients).allMatch(client -> client.status().phase() == ClientRunnerStatus.Phase.CONNECTED);
        }
    }

    private static List<LinearTrainer> leaves(int count) {
        return IntStream.range(0, count).mapToObj(LinearTrainer::new).toList();
    }

    private static RelaySettings settings(boolean passOn) {
        return new RelaySettings(2, Duration.ofSeconds(10), Duration.ofSeconds(10), 64, true, passOn);
    }

    private static TrainingResult train(RelayTree tree) throws InterruptedException {
        StrategyOptions options = StrategyOptions.builder().minAvailableClients(2).minFitClients(2).minEvaluateClients(2)
                .build();
        return FederatedTraining.builder(tree.rootClients(), ParametersCodec.encode(LinearTrainer.initialModel()))
                .strategy(new FedAvg(options)).rounds(2).fitTimeout(Duration.ofSeconds(20))
                .evaluateTimeout(Duration.ofSeconds(20)).build().run();
    }
}
