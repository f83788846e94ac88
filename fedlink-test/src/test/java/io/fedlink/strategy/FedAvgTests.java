package io.fedlink.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedlink.FedlinkException;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.Scalar;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientFailure;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.ClientReplyTimeoutException;
import io.fedlink.server.DefaultClientManager;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.test.DetachedClients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Flower's FedAvg decisions: which clients, which instruction, when a round's results make a model. */
class FedAvgTests {

    private static final Parameters MODEL = ParametersCodec.encode(NdArray.of(new float[] {0f, 0f}));

    private static DefaultClientManager connected(int clients) {
        DefaultClientManager manager = new DefaultClientManager(Duration.ofMillis(200), 100);
        for (int c = 0; c < clients; c++) {
            manager.register(DetachedClients.named("c" + c));
        }
        return manager;
    }

    private static ClientMessage.FitRes fit(float value, long examples) {
        return ClientMessage.FitRes.newBuilder().setNumExamples(examples)
                .setParameters(ParametersCodec.encode(NdArray.of(new float[] {value, value}))).build();
    }

    @Test
    void everyConnectedClientGetsTheSameFitInsWithTheRoundsConfig() throws Exception {
        FedAvg fedAvg = new FedAvg(StrategyOptions.builder().onFitConfig(round -> Map.of("round", round, "lr", 0.1)).build());

        List<ClientInstruction<ServerMessage.FitIns>> fit = fedAvg.configureFit(3, MODEL, connected(3));

        assertThat(fit).extracting(instruction -> instruction.client().id()).containsExactly("c0", "c1", "c2");
        ServerMessage.FitIns ins = fit.get(0).instruction();
        assertThat(fit).allSatisfy(instruction -> assertThat(instruction.instruction()).isSameAs(ins));
        assertThat(ins.getParameters()).isEqualTo(MODEL);
        assertThat(ins.getConfigMap()).containsEntry("round", Scalar.newBuilder().setSint64(3).build())
                .containsEntry("lr", Scalar.newBuilder().setDouble(0.1).build());
    }

    @Test
    void aFractionSamplesThatShareOfTheConnectedClientsButNeverFewerThanTheMinimum() throws Exception {
        FedAvg half = new FedAvg(StrategyOptions.builder().fractionFit(0.5).minFitClients(2).build());

        assertThat(half.configureFit(1, MODEL, connected(10))).hasSize(5).extracting(i -> i.client().id()).doesNotHaveDuplicates();
        assertThat(half.configureFit(1, MODEL, connected(3))).as("max(int(1.5), 2)").hasSize(2);
    }

    @Test
    void fewerConnectedClientsThanTheSampleNeedsFailTheSelectionSayingWhatToChange() {
        FedAvg fedAvg = new FedAvg(StrategyOptions.builder().minFitClients(3).minAvailableClients(1).build());

        assertThatThrownBy(() -> fedAvg.configureFit(1, MODEL, connected(2))).isInstanceOf(FedlinkException.class)
                .hasMessage("Sampling failed: 2 clients connected, fewer than the 3 the fit needs (max(int(2 x"
                        + " fraction-fit 1.0), min-fit-clients 3)); connect more clients or lower min-fit-clients");
    }

    @Test
    void withFractionEvaluateZeroThereIsNoFederatedEvaluation() throws Exception {
        FedAvg fedAvg = new FedAvg(StrategyOptions.builder().fractionEvaluate(0).build());

        assertThat(fedAvg.configureEvaluate(1, MODEL, connected(3))).isEmpty();
    }

    @Test
    void theNewModelIsTheMeanWeightedByExamplesAndFitMetricsAreAveragedTheSameWay() {
        FedAvg fedAvg = new FedAvg();
        try (FitAggregator aggregator = fedAvg.fitAggregator(1, MODEL)) {
            aggregator.add(DetachedClients.named("a"), fit(1f, 10).toBuilder()
                    .putMetrics("loss", Scalar.newBuilder().setDouble(1).build()).build());
            aggregator.add(DetachedClients.named("b"), fit(4f, 30).toBuilder()
                    .putMetrics("loss", Scalar.newBuilder().setDouble(3).build()).build());

            FitAggregate result = aggregator.result(List.of());

            assertThat(ParametersCodec.decode(result.parameters().orElseThrow()).get(0).toFloatArray())
                    .containsExactly(3.25f, 3.25f);
            assertThat(result.metrics()).containsEntry("loss", 2.5);
        }
    }

    @Test
    void withoutResultsOrWithFailuresWhenTheyAreNotAcceptedThereIsNoNewModel() {
        ClientProxy late = DetachedClients.named("late");
        List<ClientFailure> failures = List.of(new ClientFailure(late,
                new ClientReplyTimeoutException("late", "late did not answer", Duration.ofSeconds(1))));
        try (FitAggregator none = new FedAvg().fitAggregator(1, MODEL)) {
            assertThat(none.result(failures).failureReason()).isEqualTo("no client returned a usable fit result");
        }
        FedAvg strict = new FedAvg(StrategyOptions.builder().acceptFailures(false).build());
        try (FitAggregator aggregator = strict.fitAggregator(1, MODEL)) {
            aggregator.add(DetachedClients.named("a"), fit(1f, 10));
            assertThat(aggregator.result(failures).failureReason())
                    .isEqualTo("1 of 2 clients failed and accept-failures is false, so the round's results are not aggregated");
        }
        try (EvaluateAggregator evaluation = strict.evaluateAggregator(1)) {
            evaluation.add(DetachedClients.named("a"), ClientMessage.EvaluateRes.newBuilder().setLoss(0.5f).setNumExamples(3).build());
            assertThat(evaluation.result(failures).loss()).isNaN();
        }
    }

    @Test
    void evaluationLossesAndMetricsAreAveragedByExamples() {
        try (EvaluateAggregator evaluation = new FedAvg().evaluateAggregator(1)) {
            evaluation.add(DetachedClients.named("a"), ClientMessage.EvaluateRes.newBuilder().setLoss(1f).setNumExamples(1)
                    .putMetrics("accuracy", Scalar.newBuilder().setDouble(0.5).build()).build());
            evaluation.add(DetachedClients.named("b"), ClientMessage.EvaluateRes.newBuilder().setLoss(2f).setNumExamples(3)
                    .putMetrics("accuracy", Scalar.newBuilder().setDouble(0.9).build()).build());

            Evaluation result = evaluation.result(List.of());

            assertThat(result.loss()).isEqualTo(1.75);
            assertThat(result.metrics().get("accuracy")).isCloseTo(0.8, org.assertj.core.api.Assertions.within(1e-12));
        }
    }

    @Test
    void theEvaluateFunctionSeesTheDecodedModel() {
        FedAvg fedAvg = new FedAvg(StrategyOptions.builder().evaluateFunction((round, parameters) ->
                Optional.of(new Evaluation(parameters.get(0).getDouble(1) + round, Map.of()))).build());

        assertThat(fedAvg.evaluate(2, ParametersCodec.encode(NdArray.of(new float[] {0f, 5f})))).get()
                .extracting(Evaluation::loss).isEqualTo(7.0);
        assertThat(new FedAvg().evaluate(2, MODEL)).isEmpty();
    }
}
