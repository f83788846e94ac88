package io.fedlink.coordinator;

import static io.fedlink.test.TestMessages.evaluateRes;
import static io.fedlink.test.TestMessages.fitRes;
import static io.fedlink.test.TestMessages.fitStatus;
import static io.fedlink.test.TestMessages.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fedlink.proto.Code;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.Scalar;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.ClientUpdateRejectedException;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.test.ScriptedClient;
import io.fedlink.test.TestCoordinator;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replies whose size is fine on the wire but whose content the round loop would keep: every round record (history,
 * checkpoints, the actuator endpoint, the round log line) holds the averaged metrics by name and each failure's
 * message. Found by the e2e bad-input test, where one client's million metrics and another's 20 MB status message
 * ran the coordinator's round thread out of memory. Such replies are refused, and failure messages are cut, so what a
 * round keeps is bounded whatever the clients send.
 */
class FederatedTrainingHostileReplyTests {

    private static final Duration BOUND = Duration.ofSeconds(90);
    private static final Parameters INITIAL = ParametersCodec.encode(NdArray.of(new float[] {0f, 10f}));

    private TestCoordinator coordinator;

    @BeforeEach
    void startCoordinator() throws Exception {
        coordinator = TestCoordinator.inProcess().quorumTimeout(Duration.ofSeconds(30)).start();
    }

    @AfterEach
    void stopCoordinator() throws Exception {
        coordinator.close();
    }

    private static Map<String, Scalar> metrics(int count, int nameLength) {
        Map<String, Scalar> metrics = new HashMap<>();
        for (int i = 0; i < count; i++) {
            String name = "m" + i;
            metrics.put(name + "_".repeat(Math.max(0, nameLength - name.length())), scalar(i));
        }
        return metrics;
    }

    /** Echoes the model; {@code fitMetrics} and {@code evaluateMetrics} go with its replies. */
    private static ScriptedClient client(Map<String, Scalar> fitMetrics, Map<String, Scalar> evaluateMetrics) {
        return FlowerScripts.endingOnReconnect((instruction, connection) -> instruction.hasFitIns()
                ? fitRes(instruction.getFitIns().getParameters(), 10, fitMetrics)
                : evaluateRes(0.5, 10, evaluateMetrics));
    }

    private RoundRecord playOneRound(int clients) {
        TrainingResult result = assertTimeoutPreemptively(BOUND, () -> FederatedTraining.builder(coordinator.clientManager(), INITIAL)
                .rounds(1).strategy(FederatedTrainingTests.fedAvg(clients)).fitTimeout(Duration.ofSeconds(30)).build().run());
        return result.history().last().orElseThrow();
    }

    @Test
    void aFitReplyWithMoreMetricsThanAllowedIsRejectedAndNoneOfThemIsKept() throws Exception {
        coordinator.join(client(Map.of("train_loss", scalar(0.25)), Map.of()));
        ClientProxy hostile = coordinator.join(client(metrics(100_000, 8), Map.of()));

        RoundRecord round = playOneRound(2);

        assertThat(round.completed()).isTrue();
        assertThat(round.fitReplies()).isEqualTo(1);
        assertThat(round.fitMetrics()).containsOnlyKeys("train_loss");
        assertThat(round.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.clientId()).isEqualTo(hostile.id());
            assertThat(failure.phase()).isEqualTo(FailureRecord.Phase.FIT);
            assertThat(failure.error()).isEqualTo("ClientUpdateRejectedException");
            assertThat(failure.message()).isEqualTo("Update from client " + hostile.id() + " rejected: its fit_res"
                    + " carries 100000 metrics, more than the 1024 a reply may carry (each one is kept in every round record)");
        });
    }

    @Test
    void anEvaluateReplyWithMoreMetricsThanAllowedIsRejectedAndNoneOfThemIsKept() throws Exception {
        coordinator.join(client(Map.of(), Map.of("accuracy", scalar(0.75))));
        ClientProxy hostile = coordinator.join(client(Map.of(), metrics(2_000, 8)));

        RoundRecord round = playOneRound(2);

        assertThat(round.evaluateReplies()).isEqualTo(1);
        assertThat(round.metrics()).containsOnlyKeys("accuracy");
        assertThat(round.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.clientId()).isEqualTo(hostile.id());
            assertThat(failure.phase()).isEqualTo(FailureRecord.Phase.EVALUATE);
            assertThat(failure.message()).contains("its evaluate_res carries 2000 metrics, more than the 1024");
        });
    }

    @Test
    void aMetricNameLongerThanAllowedIsRejected() throws Exception {
        coordinator.join(client(Map.of(), Map.of()));
        ClientProxy hostile = coordinator.join(client(metrics(1, 1_000_000), Map.of()));

        RoundRecord round = playOneRound(2);

        assertThat(round.fitReplies()).isEqualTo(1);
        assertThat(round.fitMetrics()).isEmpty();
        assertThat(round.failures()).singleElement().satisfies(failure -> assertThat(failure.message())
                .isEqualTo("Update from client " + hostile.id() + " rejected: its fit_res carries a metric name of"
                        + " 1000000 characters, longer than the 256 allowed"));
    }

    @Test
    void aStatusMessageOfMegabytesIsCutInTheRecordedFailure() throws Exception {
        coordinator.join(client(Map.of(), Map.of()));
        ClientProxy hostile = coordinator.join(FlowerScripts.endingOnReconnect((instruction, connection) -> instruction.hasFitIns()
                ? fitStatus(Code.FIT_NOT_IMPLEMENTED, "y".repeat(5_000_000)) : evaluateRes(0.5, 10, Map.of())));

        RoundRecord round = playOneRound(2);

        assertThat(round.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.clientId()).isEqualTo(hostile.id());
            assertThat(failure.error()).isEqualTo("ClientStatusException");
            String prefix = "Client " + hostile.id() + " answered fit_ins with status FIT_NOT_IMPLEMENTED: ";
            assertThat(failure.message()).startsWith(prefix + "yyy")
                    .endsWith("... (cut: " + (prefix.length() + 5_000_000) + " characters in all)");
            assertThat(failure.message().length()).isLessThan(1100);
        });
    }
}
