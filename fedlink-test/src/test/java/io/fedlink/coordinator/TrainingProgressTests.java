package io.fedlink.coordinator;

import static io.fedlink.test.TestMessages.evaluateRes;
import static io.fedlink.test.TestMessages.fitIns;
import static io.fedlink.test.TestMessages.fitRes;
import static io.fedlink.test.TestMessages.fitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedlink.coordinator.TrainingProgress.CurrentRound;
import io.fedlink.proto.Code;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientProxy;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.test.TestCoordinator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Live round progress over real in-process streams: replies, failures and stragglers as they happen. */
class TrainingProgressTests {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final Parameters MODEL = ParametersCodec.encode(NdArray.of(new float[] {1f, 2f}));

    private final TrainingProgress progress = new TrainingProgress();
    private final CountDownLatch releaseSlowClient = new CountDownLatch(1);
    /** Instructions ended so far; told after {@link #progress}, so a count here means progress has seen them too. */
    private final AtomicInteger instructionsEnded = new AtomicInteger();
    private TestCoordinator coordinator;

    @BeforeEach
    void startCoordinator() throws Exception {
        coordinator = TestCoordinator.inProcess().quorumTimeout(Duration.ofSeconds(30)).instructionListener(progress)
                .instructionListener((client, instruction, outcome, duration, sent, received) ->
                        instructionsEnded.incrementAndGet())
                .start();
    }

    @AfterEach
    void stopCoordinator() throws Exception {
        releaseSlowClient.countDown();
        coordinator.close();
    }

    @Test
    void countsTheCurrentRoundsFitRepliesFailuresAndStragglersAsTheyHappen() throws Exception {
        ClientProxy quick = coordinator.join((ins, c) -> ins.hasFitIns() ? fitRes(MODEL, 10) : evaluateRes(1, 1, Map.of()));
        ClientProxy refusing = coordinator.join((ins, c) -> fitStatus(Code.FIT_NOT_IMPLEMENTED, "no"));
        ClientProxy slow = coordinator.join((ins, c) -> {
            releaseSlowClient.await(BOUND.toSeconds(), TimeUnit.SECONDS);
            return fitRes(MODEL, 10);
        });

        progress.roundStarted(1, List.of(quick, refusing, slow));
        assertThat(progress.current()).contains(new CurrentRound(1, 3, 0, 0));
        assertThat(progress.current().orElseThrow().stragglers()).isEqualTo(3);

        quick.runAsync(fitIns(MODEL)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        refusing.runAsync(fitIns(MODEL)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        var slowReply = slow.runAsync(fitIns(MODEL));
        await("the refusal is counted").atMost(BOUND).until(() -> progress.current().orElseThrow().fitFailures() == 1);
        CurrentRound waitingForOne = progress.current().orElseThrow();
        assertThat(waitingForOne).isEqualTo(new CurrentRound(1, 3, 1, 1));
        assertThat(waitingForOne.stragglers()).isEqualTo(1);

        releaseSlowClient.countDown();
        slowReply.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        await("the slow reply is counted").atMost(BOUND).until(() -> progress.current().orElseThrow().fitReplies() == 2);
        assertThat(progress.current().orElseThrow().stragglers()).isZero();
    }

    @Test
    void ignoresOtherInstructionsOtherClientsAndSecondFitsOfTheSameClient() throws Exception {
        ClientProxy inRound = coordinator.join((ins, c) -> ins.hasFitIns() ? fitRes(MODEL, 10) : evaluateRes(1, 1, Map.of()));
        ClientProxy outsider = coordinator.join((ins, c) -> fitRes(MODEL, 10));
        progress.roundStarted(4, List.of(inRound));

        inRound.runAsync(ServerMessage.newBuilder().setEvaluateIns(ServerMessage.EvaluateIns.newBuilder()
                .setParameters(MODEL)).build()).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        outsider.runAsync(fitIns(MODEL)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        inRound.runAsync(fitIns(MODEL)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        inRound.runAsync(fitIns(MODEL)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        outsider.runAsync(fitIns(MODEL)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        await("progress has seen all five instructions end").atMost(BOUND).until(() -> instructionsEnded.get() == 5);

        assertThat(progress.current()).contains(new CurrentRound(4, 1, 1, 0));
    }

    @Test
    void aRoundThatEndsMovesIntoTheRoundsAndReplyCountingStopsUntilTheNextStarts() throws Exception {
        ClientProxy client = coordinator.join((ins, c) -> fitRes(MODEL, 10));
        progress.roundStarted(1, List.of(client));
        RoundRecord first = record(1, RoundStatus.COMPLETED);
        progress.roundCompleted(first);
        client.runAsync(fitIns(MODEL)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(progress.current()).isEmpty();

        progress.roundStarted(2, List.of(client));
        RoundRecord second = record(2, RoundStatus.FAILED);
        progress.roundFailed(second);

        assertThat(progress.rounds()).containsExactly(first, second);
        assertThat(progress.current()).isEmpty();
    }

    @Test
    void aRealTrainingLeavesEveryRoundInTheProgressAndNoRoundInFlight() throws Exception {
        for (int i = 0; i < 2; i++) {
            coordinator.join(FlowerScripts.endingOnReconnect((ins, c) -> ins.hasFitIns()
                    ? fitRes(ins.getFitIns().getParameters(), 10) : evaluateRes(0.5, 10, Map.of())));
        }
        FederatedTraining.builder(coordinator.clientManager(), MODEL).rounds(3).strategy(FederatedTrainingTests.fedAvg(2))
                .listener(progress).build().run();

        assertThat(progress.rounds()).extracting(RoundRecord::round).containsExactly(1, 2, 3);
        assertThat(progress.rounds()).allSatisfy(record -> assertThat(record.fitReplies()).isEqualTo(2));
        assertThat(progress.current()).isEmpty();
    }

    private static RoundRecord record(int round, RoundStatus status) {
        return new RoundRecord(round, status, 1, 1, 0, 0, List.of(), Double.NaN, Map.of(), Map.of(), Duration.ofSeconds(1),
                status == RoundStatus.FAILED ? "too few results" : "");
    }
}
