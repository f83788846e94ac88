package io.fedlink.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import io.fedlink.server.ClientFailure;
import io.fedlink.server.ClientReplyTimeoutException;
import io.fedlink.strategy.aggregate.UpdateStore;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.Npy;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.test.DetachedClients;
import io.fedlink.test.process.DebianPython;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every built-in strategy against an independent NumPy reference written from the published definitions
 * ({@code strategy_reference.py}, run on Debian's python3-numpy by the kit's {@link DebianPython}): both are fed the same rounds of updates from clients
 * of unequal weight (some rounds with failures, some updates far off for the robust ones), each keeps its own state,
 * and the model after every round must agree to float32 tolerance. Stateful strategies play five rounds.
 */
class StrategyReferenceTests {

    private static final int ROUNDS = 5;
    private static final long[][] SHAPES = {{3, 4}, {5}};

    @TempDir
    Path dir;

    @BeforeAll
    static void requireNumpy() {
        DebianPython.get();
    }

    /** One strategy: how fedlink builds it, its parameters for the reference, and the clients of each round. */
    record Case(String name, String reference, Map<String, Object> params, Function<Random, Strategy> fedlink,
                int clients, int[] failures, boolean outliers) {

        @Override
        public String toString() {
            return name;
        }
    }

    private static final StrategyOptions ACCEPTING = StrategyOptions.builder().minClients(1).build();
    private static final StrategyOptions STRICT = StrategyOptions.builder().minClients(1).acceptFailures(false).build();
    private static final UpdateStore.Settings SPILL_AT_ONCE = new UpdateStore.Settings(0,
            Path.of(System.getProperty("java.io.tmpdir")));

    static List<Case> cases() {
        int[] someFailures = {0, 2, 0, 1, 0};
        int[] none = {0, 0, 0, 0, 0};
        return List.of(
                new Case("FedAvg", "FedAvg", Map.of(), random -> new FedAvg(ACCEPTING), 6, someFailures, false),
                new Case("FedAvg, accept-failures false", "FedAvg", Map.of("accept_failures", false),
                        random -> new FedAvg(STRICT), 6, someFailures, false),
                new Case("FedProx", "FedProx", Map.of(), random -> new FedProx(ACCEPTING, 0.1), 5, someFailures, false),
                new Case("FedAvgM", "FedAvgM", Map.of("server_learning_rate", 0.7, "server_momentum", 0.9),
                        random -> new FedAvgM(ACCEPTING, 0.7, 0.9), 6, someFailures, false),
                new Case("FedAdagrad", "FedAdagrad", Map.of("eta", 0.1, "beta_1", 0.0, "beta_2", 0.0, "tau", 1e-9),
                        random -> new FedAdagrad(ACCEPTING), 6, someFailures, false),
                new Case("FedAdam", "FedAdam", Map.of("eta", 0.1, "beta_1", 0.9, "beta_2", 0.99, "tau", 1e-9),
                        random -> new FedAdam(ACCEPTING), 6, someFailures, false),
                new Case("FedYogi", "FedYogi", Map.of("eta", 0.01, "beta_1", 0.9, "beta_2", 0.99, "tau", 1e-3),
                        random -> new FedYogi(ACCEPTING), 6, someFailures, false),
                new Case("FedMedian (spilled to disk)", "FedMedian", Map.of(),
                        random -> new FedMedian(ACCEPTING, SPILL_AT_ONCE), 7, someFailures, true),
                new Case("FedMedian, even count (on heap)", "FedMedian", Map.of(),
                        random -> new FedMedian(ACCEPTING), 6, none, true),
                new Case("FedTrimmedAvg", "FedTrimmedAvg", Map.of("beta", 0.2),
                        random -> new FedTrimmedAvg(ACCEPTING, 0.2, SPILL_AT_ONCE), 10, someFailures, true),
                new Case("Krum", "Krum", Map.of("num_malicious_clients", 2),
                        random -> new Krum(ACCEPTING, 2, 0, SPILL_AT_ONCE), 8, someFailures, true),
                new Case("multi-Krum", "Krum", Map.of("num_malicious_clients", 1, "num_clients_to_keep", 3),
                        random -> new Krum(ACCEPTING, 1, 3, UpdateStore.Settings.defaults()), 7, someFailures, true),
                new Case("Bulyan", "Bulyan", Map.of("num_malicious_clients", 1),
                        random -> new Bulyan(ACCEPTING, 1, SPILL_AT_ONCE), 7, none, true),
                new Case("QFedAvg", "QFedAvg", Map.of("q_param", 0.2, "qffl_learning_rate", 0.1),
                        random -> new QFedAvg(ACCEPTING.toBuilder().evaluateFunction(StrategyReferenceTests::centralLoss)
                                .build(), 0.2, 0.1), 5, someFailures, false),
                new Case("FaultTolerantFedAvg", "FaultTolerantFedAvg", Map.of("min_completion_rate_fit", 0.7),
                        random -> new FaultTolerantFedAvg(ACCEPTING, 0.7, 0.5), 5, new int[] {0, 3, 1, 2, 0}, false),
                new Case("DP fixed clipping around FedAvg", "DpFixed",
                        Map.of("noise_multiplier", 0.3, "clipping_norm", 1.5, "num_sampled_clients", 6),
                        random -> new DifferentialPrivacyServerSideFixedClipping(new FedAvg(ACCEPTING), 0.3, 1.5, 6, random),
                        6, someFailures, false),
                new Case("DP adaptive clipping around FedAvg", "DpAdaptive",
                        Map.of("noise_multiplier", 0.2, "num_sampled_clients", 6, "initial_clipping_norm", 2.0,
                                "target_clipped_quantile", 0.5, "clip_norm_lr", 0.2, "clipped_count_stddev", 0.5),
                        random -> new DifferentialPrivacyServerSideAdaptiveClipping(new FedAvg(ACCEPTING), 0.2, 6, 2.0,
                                0.5, 0.2, 0.5, random), 6, none, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void agreesWithTheNumpyReferenceRoundAfterRound(Case test) throws Exception {
        Random data = new Random(test.name().hashCode());
        Parameters model = ParametersCodec.encode(NdArray.of(gaussian(data, 12, 0, 1), 3, 4),
                NdArray.of(doubles(gaussian(data, 5, 0, 1))));
        write("initial", ParametersCodec.decode(model));
        long seed = data.nextLong();
        Strategy strategy = test.fedlink().apply(new Random(seed));
        Random noise = new Random(seed); // the draws the DP wrappers make, in their order, for the reference
        List<Parameters> models = new ArrayList<>();
        List<Boolean> made = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            List<Parameters> updates = new ArrayList<>();
            long[] weights = new long[test.clients()];
            for (int k = 0; k < test.clients(); k++) {
                boolean outlier = test.outliers() && k >= test.clients() - 2;
                float center = outlier ? 50f : 0.3f * k;
                Parameters update = ParametersCodec.encode(NdArray.of(gaussian(data, 12, center, 1), 3, 4),
                        NdArray.of(doubles(gaussian(data, 5, center, 1))));
                updates.add(update);
                weights[k] = 1 + data.nextInt(1000);
                write("r" + round + "_c" + k, ParametersCodec.decode(update));
            }
            Files.write(dir.resolve("r" + round + "_weights.npy"), Npy.write(NdArray.of(weights)));
            Parameters next = play(strategy, round, model, updates, weights, test.failures()[round - 1]);
            made.add(next != null);
            if (next != null) {
                model = next;
                if (test.reference().startsWith("Dp")) {
                    writeNoise(round, noise, test.reference().equals("DpAdaptive"));
                }
            }
            models.add(model);
        }
        Files.writeString(dir.resolve("case.json"), json(test));

        Path script = dir.resolve("strategy_reference.py");
        try (var in = StrategyReferenceTests.class.getResourceAsStream("strategy_reference.py")) {
            Files.copy(in, script);
        }
        String output = DebianPython.get().run(List.of(script.toString(), dir.toString()), Duration.ofMinutes(2));

        NdArray expectedMade = Npy.read(Files.readAllBytes(dir.resolve("made.npy")));
        assertThat(made).as("rounds that made a model, fedlink vs reference (%s)", output)
                .containsExactlyElementsOf(java.util.Arrays.stream(expectedMade.toIntArray()).mapToObj(m -> m == 1).toList());
        for (int round = 1; round <= ROUNDS; round++) {
            List<NdArray> actual = ParametersCodec.decode(models.get(round - 1));
            for (int t = 0; t < SHAPES.length; t++) {
                NdArray expected = Npy.read(Files.readAllBytes(dir.resolve("out_r" + round + "_t" + t + ".npy")));
                assertThat(actual.get(t).dtype()).isEqualTo(expected.dtype());
                assertThat(actual.get(t).shape()).isEqualTo(expected.shape());
                double[] a = actual.get(t).toDoubleArray();
                double[] e = expected.toDoubleArray();
                for (int i = 0; i < a.length; i++) {
                    assertThat(Math.abs(a[i] - e[i])).as("%s round %d tensor %d element %d: fedlink %s, reference %s",
                            test, round, t, i, a[i], e[i]).isLessThanOrEqualTo(2e-6 + 2e-5 * Math.abs(e[i]));
                }
            }
        }
    }

    /** One round through the strategy's aggregator, as the training loop feeds it; null if it made no model. */
    private static Parameters play(Strategy strategy, int round, Parameters model, List<Parameters> updates,
                                   long[] weights, int failed) {
        List<ClientFailure> failures = new ArrayList<>();
        for (int f = 0; f < failed; f++) {
            failures.add(new ClientFailure(DetachedClients.named("failed-" + f), new ClientReplyTimeoutException("failed-" + f,
                    "failed-" + f + " did not answer fit_ins", Duration.ofSeconds(1))));
        }
        try (FitAggregator aggregator = strategy.fitAggregator(round, model)) {
            for (int k = 0; k < updates.size(); k++) {
                aggregator.add(DetachedClients.named("client-" + k), ClientMessage.FitRes.newBuilder()
                        .setParameters(updates.get(k)).setNumExamples(weights[k]).build());
            }
            return aggregator.result(failures).parameters().orElse(null);
        }
    }

    /** The standard normal draws a DP wrapper made after round {@code round}'s aggregate, replayed for the reference. */
    private void writeNoise(int round, Random noise, boolean countNoise) throws IOException {
        for (int t = 0; t < SHAPES.length; t++) {
            int size = (int) java.util.Arrays.stream(SHAPES[t]).reduce(1, (x, y) -> x * y);
            double[] draws = new double[size];
            for (int i = 0; i < size; i++) {
                draws[i] = noise.nextGaussian();
            }
            Files.write(dir.resolve("r" + round + "_noise_t" + t + ".npy"), Npy.write(NdArray.of(draws).reshape(SHAPES[t])));
        }
        if (countNoise) {
            Files.write(dir.resolve("r" + round + "_count_noise.npy"), Npy.write(NdArray.of(new double[] {noise.nextGaussian()})));
        }
    }

    /** The centralized evaluation both sides use: 0.5 + the mean square of every element. */
    static Optional<Evaluation> centralLoss(int round, List<NdArray> model) {
        double sum = 0;
        int count = 0;
        for (NdArray tensor : model) {
            for (double value : tensor.toDoubleArray()) {
                sum += value * value;
                count++;
            }
        }
        return Optional.of(new Evaluation(0.5 + sum / count, Map.of()));
    }

    private void write(String prefix, List<NdArray> tensors) throws IOException {
        for (int t = 0; t < tensors.size(); t++) {
            Files.write(dir.resolve(prefix + "_t" + t + ".npy"), Npy.write(tensors.get(t)));
        }
    }

    private static float[] gaussian(Random random, int size, float center, float scale) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = center + scale * (float) random.nextGaussian();
        }
        return values;
    }

    private static double[] doubles(float[] values) {
        double[] widened = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            widened[i] = values[i] * 1.5;
        }
        return widened;
    }

    private static String json(Case test) {
        String params = test.params().entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\": " + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
        String failures = java.util.Arrays.stream(test.failures()).mapToObj(Integer::toString)
                .collect(Collectors.joining(", ", "[", "]"));
        return "{\"strategy\": \"" + test.reference() + "\", \"params\": " + params
                + ", \"rounds\": " + ROUNDS + ", \"tensors\": " + SHAPES.length + ", \"failures\": " + failures + "}";
    }
}
