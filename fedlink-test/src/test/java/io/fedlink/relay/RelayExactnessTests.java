package io.fedlink.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fedlink.coordinator.FederatedTraining;
import io.fedlink.coordinator.RoundListener;
import io.fedlink.coordinator.RoundRecord;
import io.fedlink.coordinator.TrainingResult;
import io.fedlink.strategy.FedAdam;
import io.fedlink.strategy.FedAvg;
import io.fedlink.strategy.Strategy;
import io.fedlink.strategy.StrategyOptions;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's exactness: a root with 3 relays and 12 clients trains the same global model as the root with the same 12
 * clients joined directly (same seeds, same data), after each of 5 rounds, to float32 tolerance; also with FedAdam at the
 * root (a server optimizer whose step is computed from the round's weighted mean, as for FedAvgM and the whole FedOpt
 * family). Everything is real: coordinators, relays and clients talk over in-process gRPC streams.
 */
class RelayExactnessTests {

    private static final int CLIENTS = 12;
    private static final int RELAYS = 3;
    private static final int ROUNDS = 5;
    private static final Duration BOUND = Duration.ofSeconds(90);
    /** float32 has 24 bits of mantissa; relays change the order of the float32 sums, nothing else. */
    private static final double TOLERANCE = 2e-6;

    @Test
    void fedAvgThroughThreeRelaysMatchesFlatFedAvgAfterEveryRound() {
        assertTimeoutPreemptively(BOUND, () -> assertSameModels(FedAvg::new));
    }

    @Test
    void fedAdamAtTheRootThroughThreeRelaysMatchesFlatFedAdamAfterEveryRound() {
        assertTimeoutPreemptively(BOUND, () -> assertSameModels(FedAdam::new));
    }

    @Test
    void theRootCountsEveryLeafReplyAndNoFailureThroughTheRelays() {
        assertTimeoutPreemptively(BOUND, () -> {
            Run run = train(RELAYS, options -> new FedAvg(options));
            for (RoundRecord record : run.result().history().rounds()) {
                assertThat(record.completed()).isTrue();
                assertThat(record.fitReplies()).isEqualTo(RELAYS);
                assertThat(record.fitMetrics()).containsEntry(RelayMetrics.REPLIES, (double) CLIENTS)
                        .containsEntry(RelayMetrics.FAILURES, 0.0);
                assertThat(record.metrics()).containsEntry(RelayMetrics.REPLIES, (double) CLIENTS);
            }
        });
    }

    private void assertSameModels(java.util.function.Function<StrategyOptions, Strategy> strategy) throws Exception {
        Run relayed = train(RELAYS, strategy);
        Run flat = train(0, strategy);
        assertThat(relayed.models()).hasSize(ROUNDS);
        assertThat(flat.models()).hasSize(ROUNDS);
        for (int round = 0; round < ROUNDS; round++) {
            assertClose(round + 1, relayed.models().get(round), flat.models().get(round));
        }
        double relayedLoss = relayed.result().history().rounds().get(ROUNDS - 1).loss();
        double flatLoss = flat.result().history().rounds().get(ROUNDS - 1).loss();
        assertThat(relayedLoss).isCloseTo(flatLoss, org.assertj.core.data.Offset.offset(1e-5 * Math.max(1, flatLoss)));
        // The models must also have moved: equal because both stood still would prove nothing.
        assertThat(relayed.models().get(ROUNDS - 1).get(0).getDouble(0)).isNotEqualTo(0.0);
    }

    private record Run(TrainingResult result, List<List<NdArray>> models) {
    }

    private Run train(int relays, java.util.function.Function<StrategyOptions, Strategy> strategy) throws Exception {
        List<LinearTrainer> leaves = IntStream.range(0, CLIENTS).mapToObj(LinearTrainer::new).toList();
        int rootClients = relays == 0 ? CLIENTS : relays;
        RelaySettings settings = new RelaySettings(CLIENTS / Math.max(1, relays), Duration.ofSeconds(30),
                Duration.ofSeconds(30), 64, true, true);
        try (RelayTree tree = relays == 0 ? RelayTree.flat(leaves) : RelayTree.withRelays(relays, leaves, settings)) {
            StrategyOptions options = StrategyOptions.builder().minAvailableClients(rootClients).minFitClients(rootClients)
                    .minEvaluateClients(rootClients).build();
            List<List<NdArray>> models = new CopyOnWriteArrayList<>();
            FederatedTraining training = FederatedTraining
                    .builder(tree.rootClients(), ParametersCodec.encode(LinearTrainer.initialModel()))
                    .strategy(strategy.apply(options)).rounds(ROUNDS).fitTimeout(Duration.ofSeconds(30))
                    .evaluateTimeout(Duration.ofSeconds(30))
                    .listener(new ModelPerRound(models))
                    .build();
            return new Run(training.run(), new ArrayList<>(models));
        }
    }

    /** Keeps the global model after each completed round. */
    private static final class ModelPerRound implements RoundListener {
        private final List<List<NdArray>> models;
        private volatile FederatedTraining training;

        ModelPerRound(List<List<NdArray>> models) {
            this.models = models;
        }

        @Override
        public void trainingStarted(FederatedTraining started) {
            training = started;
        }

        @Override
        public void roundCompleted(RoundRecord record) {
            models.add(ParametersCodec.decode(training.globalModel()));
        }
    }

    private static void assertClose(int round, List<NdArray> relayed, List<NdArray> flat) {
        assertThat(relayed).hasSameSizeAs(flat);
        for (int t = 0; t < flat.size(); t++) {
            assertThat(relayed.get(t).shape()).isEqualTo(flat.get(t).shape());
            for (int i = 0; i < flat.get(t).size(); i++) {
                double expected = flat.get(t).getDouble(i);
                double actual = relayed.get(t).getDouble(i);
                assertThat(Math.abs(actual - expected))
                        .as("round %d, tensor %d, element %d: relayed %s, flat %s", round, t, i, actual, expected)
                        .isLessThanOrEqualTo(TOLERANCE * Math.max(1, Math.abs(expected)));
            }
        }
    }
}
