package io.fedlink.coordinator;

import static io.fedlink.test.TestMessages.evaluateRes;
import static io.fedlink.test.TestMessages.fitRes;
import static io.fedlink.test.TestMessages.fitStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.proto.Code;
import io.fedlink.proto.Parameters;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.test.ScriptedClient;
import io.fedlink.test.TestCoordinator;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A training on a thread of its own, as auto-start runs it: its phase and the exit code its end calls for. */
class TrainingRunTests {

    private static final Parameters MODEL = ParametersCodec.encode(NdArray.of(new float[] {1f}));

    private TestCoordinator federation;

    @BeforeEach
    void startCoordinator() throws Exception {
        federation = TestCoordinator.inProcess().quorumTimeout(Duration.ofSeconds(30)).start();
    }

    @AfterEach
    void stopCoordinator() throws Exception {
        federation.close();
    }

    private TrainingRun run(int rounds) {
        return new TrainingRun(FederatedTraining.builder(federation.clientManager(), MODEL).rounds(rounds)
                .strategy(FederatedTrainingTests.fedAvg(1)).build());
    }

    @Test
    void everyRoundCompletedFinishesWithExitCodeZero() throws Exception {
        federation.join(FlowerScripts.endingOnReconnect((ins, c) -> ins.hasFitIns()
                ? fitRes(ins.getFitIns().getParameters(), 1) : evaluateRes(0.5, 1, Map.of())));
        TrainingRun run = run(2);
        assertThat(run.phase()).isEqualTo(TrainingRun.Phase.NOT_STARTED);

        run.start();

        assertThat(run.result().get(30, TimeUnit.SECONDS).history().size()).isEqualTo(2);
        assertThat(run.phase()).isEqualTo(TrainingRun.Phase.FINISHED);
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void aFailedRoundFinishesWithExitCodeOne() throws Exception {
        federation.join(FlowerScripts.endingOnReconnect((ins, c) -> ins.hasFitIns()
                ? fitStatus(Code.FIT_NOT_IMPLEMENTED, "no") : evaluateRes(0.5, 1, Map.of())));
        TrainingRun run = run(1);

        run.start();

        assertThat(run.result().get(30, TimeUnit.SECONDS).history().last().orElseThrow().completed()).isFalse();
        assertThat(run.phase()).isEqualTo(TrainingRun.Phase.FINISHED_WITH_FAILED_ROUNDS);
        assertThat(run.exitCode()).isEqualTo(1);
    }

    @Test
    void theEndActionGetsTheExitCodeOnceTheRunEndsByItself() throws Exception {
        federation.join(FlowerScripts.endingOnReconnect((ins, c) -> ins.hasFitIns()
                ? fitStatus(Code.FIT_NOT_IMPLEMENTED, "no") : evaluateRes(0.5, 1, Map.of())));
        TrainingRun run = run(1);
        CompletableFuture<Integer> ended = new CompletableFuture<>();

        run.start(ended::complete);

        assertThat(ended.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(run.result()).isDone();
    }

    @Test
    void aStoppedRunFailsWithTheInterruptionAndDoesNotCallTheEndAction() throws Exception {
        TrainingRun run = run(1); // no client ever joins: the run waits for its quorum
        AtomicInteger endActions = new AtomicInteger();

        run.start(code -> endActions.incrementAndGet());
        assertThat(run.stop(Duration.ofSeconds(10))).isTrue();

        assertThat(run.result()).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(InterruptedException.class);
        assertThat(run.phase()).isEqualTo(TrainingRun.Phase.FAILED);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(endActions).hasValue(0);
    }
}
