package io.fedlink.coordinator;

import static io.fedlink.test.TestMessages.evaluateRes;
import static io.fedlink.test.TestMessages.fitRes;
import static io.fedlink.test.TestMessages.fitStatus;
import static io.fedlink.test.TestMessages.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.protobuf.ByteString;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.Parameters;
import io.fedlink.server.ClientProxy;
import io.fedlink.strategy.FedAvg;
import io.fedlink.strategy.StrategyOptions;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.NpyFormatException;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.test.ScriptedClient;
import io.fedlink.test.TestCoordinator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FederatedTrainingTests {

    private static final Duration BOUND = Duration.ofSeconds(90);
    private static final Parameters INITIAL = ParametersCodec.encode(NdArray.of(new float[] {0f, 10f}), NdArray.scalar(0.0));

    private TestCoordinator coordinator;

    @BeforeEach
    void startCoordinator() throws Exception {
        coordinator = TestCoordinator.inProcess().quorumTimeout(Duration.ofSeconds(30)).start();
    }

    @AfterEach
    void stopCoordinator() throws Exception {
        coordinator.close();
    }

    /**
     * A client that "learns": fit returns theta + 1 for every element; evaluate reports a loss that falls as theta
     * grows, loss = 1 / (1 + theta[0][0]), and accuracy = theta[0][0] / 10.
     */
    private static ScriptedClient learner(long numExamples) {
        return (instruction, connection) -> switch (instruction.getMsgCase()) {
            case FIT_INS -> {
                List<NdArray> theta = ParametersCodec.decode(instruction.getFitIns().getParameters());
                List<NdArray> next = new ArrayList<>();
                for (NdArray array : theta) {
                    double[] values = array.toDoubleArray();
                    for (int i = 0; i < values.length; i++) {
                        values[i] += 1;
                    }
                    next.add(NdArray.fromDoubles(array.dtype(), values, array.shape()));
                }
                yield fitRes(ParametersCodec.encode(next), numExamples, Map.of("train_loss", scalar(numExamples)));
            }
            case EVALUATE_INS -> {
                double first = ParametersCodec.decode(instruction.getEvaluateIns().getParameters()).get(0).getDouble(0);
                yield evaluateRes(1 / (1 + first), numExamples, Map.of("accuracy", scalar(first / 10)));
            }
            default -> throw new IllegalStateException("unexpected " + instruction.getMsgCase());
        };
    }

    private static ScriptedClient refusingToFit() {
        return (instruction, connection) -> instruction.hasFitIns()
                ? fitStatus(Code.FIT_NOT_IMPLEMENTED, "this client only evaluates")
                : evaluateRes(1, 1, Map.of());
    }

    /** Flower's FedAvg, sampling every client once {@code clients} are connected. */
    static FedAvg fedAvg(int clients) {
        return new FedAvg(StrategyOptions.builder().minClients(clients).build());
    }

    private static float[] firstTensor(Parameters model) {
        return ParametersCodec.decode(model).get(0).toFloatArray();
    }

    @Test
    void threeClientsThatAddOneLearnAndTheHistoryShowsIt() {
        List<ClientProxy> clients = joinAll(learner(10), learner(20), learner(30));
        List<String> events = new CopyOnWriteArrayList<>();

        TrainingResult result = assertTimeoutPreemptively(BOUND, () -> FederatedTraining.builder(coordinator.clientManager(), INITIAL)
                .rounds(3).strategy(fedAvg(3)).fitTimeout(Duration.ofSeconds(20)).evaluateTimeout(Duration.ofSeconds(20))
                .listener(new RoundListener() {
                    @Override
                    public void roundStarted(int round, List<ClientProxy> clientsAsked) {
                        events.add("started " + round + " with " + clientsAsked.size());
                    }

                    @Override
                    public void roundCompleted(RoundRecord record) {
                        events.add("completed " + record.round());
                    }
                }).build().run());

        assertThat(firstTensor(result.model())).containsExactly(3f, 13f);
        assertThat(result.modelArrays().get(1).toDoubleArray()).containsExactly(3.0);
        List<RoundRecord> rounds = result.history().rounds();
        assertThat(rounds).extracting(RoundRecord::round).containsExactly(1, 2, 3);
        assertThat(rounds).allSatisfy(record -> {
            assertThat(record.status()).isEqualTo(RoundStatus.COMPLETED);
            assertThat(record.clientsAsked()).isEqualTo(3);
            assertThat(record.fitReplies()).isEqualTo(3);
            assertThat(record.evaluateReplies()).isEqualTo(3);
            assertThat(record.failures()).isEmpty();
            assertThat(record.fitMetrics().get("train_loss")).isCloseTo((100 + 400 + 900) / 60.0, within(1e-9));
        });
        // EvaluateRes.loss is a float on the wire
        assertThat(rounds.get(0).loss()).isCloseTo(1 / 2.0, within(1e-6));
        assertThat(rounds.get(1).loss()).isCloseTo(1 / 3.0, within(1e-6));
        assertThat(rounds.get(2).loss()).isCloseTo(1 / 4.0, within(1e-6));
        assertThat(rounds.get(2).metrics().get("accuracy")).isCloseTo(0.3, within(1e-6));
        assertThat(rounds.get(2).describe(3)).startsWith("round 3/3: replies 3/3, failures 0, loss 0.250, accuracy 0.300, ");
        assertThat(events).containsExactly("started 1 with 3", "completed 1", "started 2 with 3", "completed 2",
                "started 3 with 3", "completed 3");
        assertThat(clients).hasSize(3);
    }

    @Test
    void aRoundWithTooFewFitResultsFailsIsRecordedAndLeavesTheModelUnchanged() {
        List<ClientProxy> clients = joinAll(learner(10), refusingToFit(), refusingToFit());
        List<RoundRecord> failedEvents = new CopyOnWriteArrayList<>();

        TrainingResult result = assertTimeoutPreemptively(BOUND, () -> FederatedTraining.builder(coordinator.clientManager(), INITIAL)
                .rounds(2).strategy(fedAvg(3)).minFitResults(2).fitTimeout(Duration.ofSeconds(20))
                .listener(new RoundListener() {
                    @Override
                    public void roundFailed(RoundRecord record) {
                        failedEvents.add(record);
                    }
                }).build().run());

        assertThat(result.model()).isEqualTo(INITIAL);
        assertThat(result.history().rounds()).hasSize(2).allSatisfy(record -> {
            assertThat(record.status()).isEqualTo(RoundStatus.FAILED);
            assertThat(record.fitReplies()).isEqualTo(1);
            assertThat(record.evaluateAsked()).isZero();
            assertThat(record.failureReason()).startsWith("1 of 3 clients returned a usable fit result, fewer than the 2 required");
            assertThat(record.failures()).extracting(FailureRecord::clientId)
                    .containsExactlyInAnyOrder(clients.get(1).id(), clients.get(2).id());
            assertThat(record.failures()).allSatisfy(failure -> {
                assertThat(failure.phase()).isEqualTo(FailureRecord.Phase.FIT);
                assertThat(failure.error()).isEqualTo("ClientStatusException");
                assertThat(failure.message()).contains("FIT_NOT_IMPLEMENTED: this client only evaluates");
            });
        });
        assertThat(failedEvents).extracting(RoundRecord::round).containsExactly(1, 2);
    }

    @Test
    void theStopPolicyEndsTrainingAfterTheFirstFailedRound() {
        joinAll(learner(10), refusingToFit());

        TrainingResult result = assertTimeoutPreemptively(BOUND, () -> FederatedTraining.builder(coordinator.clientManager(), INITIAL)
                .rounds(5).strategy(fedAvg(2)).minFitFraction(1.0).onRoundFailure(RoundFailurePolicy.STOP)
                .fitTimeout(Duration.ofSeconds(20)).build().run());

        assertThat(result.history().rounds()).singleElement().satisfies(record -> {
            assertThat(record.status()).isEqualTo(RoundStatus.FAILED);
            assertThat(record.failureReason()).contains("fewer than the 2 required").contains("minFitFraction=1.0");
        });
        assertThat(result.model()).isEqualTo(INITIAL);
    }

    @Test
    void anUpdateOfTheWrongShapeIsRejectedAndTheOthersStillAverage() {
        ScriptedClient wrongShape = (instruction, connection) -> instruction.hasFitIns()
                ? fitRes(ParametersCodec.encode(NdArray.of(new float[] {100, 100, 100}), NdArray.scalar(100.0)), 1000)
                : evaluateRes(0, 1, Map.of());
        List<ClientProxy> clients = joinAll(learner(10), wrongShape, learner(30));

        TrainingResult result = assertTimeoutPreemptively(BOUND, () -> FederatedTraining.builder(coordinator.clientManager(), INITIAL)
                .rounds(1).strategy(fedAvg(3)).minFitResults(2).fitTimeout(Duration.ofSeconds(20)).build().run());

        assertThat(firstTensor(result.model())).containsExactly(1f, 11f);
        RoundRecord round = result.history().last().orElseThrow();
        assertThat(round.status()).isEqualTo(RoundStatus.COMPLETED);
        assertThat(round.fitReplies()).isEqualTo(2);
        assertThat(round.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.clientId()).isEqualTo(clients.get(1).id());
            assertThat(failure.error()).isEqualTo("ClientUpdateRejectedException");
            assertThat(failure.message()).isEqualTo("Update from client " + clients.get(1).id()
                    + " rejected: tensor 0 is float32 (3,), expected float32 (2,) as in the global model");
        });
    }

    @Test
    void aClientThatLeavesAfterFittingDoesNotFailTheRound() {
        ScriptedClient fitThenLeave = (instruction, connection) -> {
            ClientMessage reply = learner(10).answer(instruction, connection);
            connection.dispatch(reply);
            connection.close();
            return null;
        };
        joinAll(learner(10), fitThenLeave);

        TrainingResult result = assertTimeoutPreemptively(BOUND, () -> FederatedTraining.builder(coordinator.clientManager(), INITIAL)
                .rounds(1).strategy(fedAvg(1)).fitTimeout(Duration.ofSeconds(20)).evaluateTimeout(Duration.ofSeconds(20))
                .build().run());

        RoundRecord round = result.history().last().orElseThrow();
        assertThat(round.status()).isEqualTo(RoundStatus.COMPLETED);
        assertThat(round.fitReplies()).isEqualTo(2);
        assertThat(round.evaluateReplies()).isEqualTo(1);
        // skipped if its hang-up was seen before evaluation, else an evaluate failure: never a hang, never a reply
        assertThat(round.evaluateAsked() - round.evaluateReplies())
                .isEqualTo((int) round.failures().stream().filter(f -> f.phase() == FailureRecord.Phase.EVALUATE).count());
    }

    @Test
    void resumesAfterTheLatestCheckpointWithTheSameModelBytesAndHistory(@TempDir Path dir) {
        joinAll(learner(10), learner(30));
        FileCheckpointStore store = new FileCheckpointStore(dir);
        TrainingResult firstRun = assertTimeoutPreemptively(BOUND, () -> FederatedTraining.builder(coordinator.clientManager(), INITIAL)
                .rounds(2).strategy(fedAvg(2)).fitTimeout(Duration.ofSeconds(20)).checkpointStore(store)
                .disconnectClientsWhenDone(false).build().run());
        Checkpoint saved = store.loadLatest().orElseThrow();
        assertThat(saved.round()).isEqualTo(2);
        assertThat(saved.model().toByteString()).isEqualTo(firstRun.model().toByteString());

        List<Integer> started = new CopyOnWriteArrayList<>();
        TrainingResult resumed = assertTimeoutPreemptively(BOUND, () -> FederatedTraining.builder(coordinator.clientManager(), INITIAL)
                .rounds(4).strategy(fedAvg(2)).fitTimeout(Duration.ofSeconds(20)).checkpointStore(new FileCheckpointStore(dir))
                .listener(new RoundListener() {
                    @Override
                    public void roundStarted(int round, List<ClientProxy> clientsAsked) {
                        started.add(round);
                    }
                }).build().run());

        assertThat(started).containsExactly(3, 4);
        assertThat(firstTensor(resumed.model())).containsExactly(4f, 14f);
        assertThat(resumed.history().rounds()).extracting(RoundRecord::round).containsExactly(1, 2, 3, 4);
        assertThat(resumed.history().rounds().subList(0, 2)).isEqualTo(firstRun.history().rounds());
        assertThat(store.loadLatest().orElseThrow().round()).isEqualTo(4);
    }

    @Test
    void aResumedTrainingThatIsAlreadyCompleteReturnsTheCheckpointAsIs(@TempDir Path dir) {
        FileCheckpointStore store = new FileCheckpointStore(dir);
        Parameters model = ParametersCodec.encode(NdArray.of(new float[] {7f, 8f}), NdArray.scalar(1.0));
        store.save(new Checkpoint(2, model, CompletedRounds.upTo(2)));

        TrainingResult result = assertTimeoutPreemptively(BOUND, () -> FederatedTraining.builder(coordinator.clientManager(), INITIAL)
                .rounds(2).checkpointStore(store).build().run());

        assertThat(result.model()).isEqualTo(model);
        assertThat(result.history()).isEqualTo(CompletedRounds.upTo(2));
    }

    @Test
    void aQuorumThatIsNotReachedFailsTheRoundWithTheReason() {
        try (TestCoordinator impatient = TestCoordinator.inProcess().quorumTimeout(Duration.ofMillis(200)).start()) {
            TrainingResult result = assertTimeoutPreemptively(BOUND, () -> FederatedTraining.builder(
                    impatient.clientManager(), INITIAL).rounds(1).strategy(fedAvg(2)).build().run());

            RoundRecord round = result.history().last().orElseThrow();
            assertThat(round.status()).isEqualTo(RoundStatus.FAILED);
            assertThat(round.clientsAsked()).isZero();
            assertThat(round.failureReason()).startsWith("no clients selected: Waited PT0.2S for 2 connected clients");
        }
    }

    @Test
    void aListenerThatThrowsDoesNotStopTraining() {
        joinAll(learner(1));

        TrainingResult result = assertTimeoutPreemptively(BOUND, () -> FederatedTraining.builder(coordinator.clientManager(), INITIAL)
                .rounds(2).strategy(new FedAvg(StrategyOptions.builder().minClients(1).fractionEvaluate(0).build()))
                .fitTimeout(Duration.ofSeconds(20))
                .listener(new RoundListener() {
                    @Override
                    public void roundCompleted(RoundRecord record) {
                        throw new IllegalStateException("listener bug");
                    }
                }).build().run());

        assertThat(result.history().rounds()).hasSize(2).allSatisfy(record -> {
            assertThat(record.completed()).isTrue();
            assertThat(record.hasLoss()).isFalse();
            assertThat(record.evaluateAsked()).isZero();
        });
    }

    @Test
    void sendsTheConfiguredFitAndEvaluateConfig() {
        List<String> seen = new CopyOnWriteArrayList<>();
        joinAll((instruction, connection) -> {
            if (instruction.hasFitIns()) {
                seen.add("fit epochs=" + instruction.getFitIns().getConfigOrThrow("epochs").getDouble());
                return fitRes(instruction.getFitIns().getParameters(), 1);
            }
            seen.add("evaluate round=" + instruction.getEvaluateIns().getConfigOrThrow("round").getDouble());
            return evaluateRes(0.5, 1, Map.of());
        });

        assertTimeoutPreemptively(BOUND, () -> FederatedTraining.builder(coordinator.clientManager(), INITIAL).rounds(2)
                .strategy(new FedAvg(StrategyOptions.builder().minClients(1)
                        .onFitConfig(round -> Map.of("epochs", round * 2.0))
                        .onEvaluateConfig(round -> Map.of("round", (double) round)).build())).build().run());

        assertThat(seen).containsExactly("fit epochs=2.0", "evaluate round=1.0", "fit epochs=4.0", "evaluate round=2.0");
    }

    @Test
    void rejectsSettingsThatCannotWorkNamingThem() {
        FederatedTrainingBuilder builder = FederatedTraining.builder(coordinator.clientManager(), INITIAL);
        assertThatThrownBy(() -> builder.rounds(0)).hasMessage("rounds must be at least 1, was 0");
        assertThatThrownBy(() -> builder.minFitResults(0)).hasMessage("minFitResults must be at least 1, was 0");
        assertThatThrownBy(() -> builder.minFitFraction(1.5)).hasMessage("minFitFraction must be between 0 and 1, was 1.5");
        assertThatThrownBy(() -> builder.fitTimeout(Duration.ZERO)).hasMessage("fitTimeout must be positive, was PT0S");
        assertThatThrownBy(() -> builder.maxInFlight(0)).hasMessage("maxInFlight must be at least 1, was 0");
        Parameters notNumpy = Parameters.newBuilder().setTensorType("numpy.ndarray").addTensors(ByteString.copyFromUtf8("x")).build();
        assertThatThrownBy(() -> FederatedTraining.builder(coordinator.clientManager(), notNumpy))
                .isInstanceOf(NpyFormatException.class).hasMessageStartingWith("Global model tensor 0: ");
    }

    private List<ClientProxy> joinAll(ScriptedClient... behaviours) {
        List<ClientProxy> clients = new ArrayList<>();
        for (ScriptedClient behaviour : behaviours) {
            clients.add(coordinator.join(FlowerScripts.endingOnReconnect(behaviour)));
        }
        return clients;
    }
}
