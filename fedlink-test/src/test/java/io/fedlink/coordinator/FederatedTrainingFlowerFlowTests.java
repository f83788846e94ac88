package io.fedlink.coordinator;

import static io.fedlink.test.TestMessages.evaluateRes;
import static io.fedlink.test.TestMessages.fitRes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import io.fedlink.proto.Status;
import io.fedlink.server.ClientFailure;
import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientProxy;
import io.fedlink.strategy.ClientInstruction;
import io.fedlink.strategy.EvaluateAggregator;
import io.fedlink.strategy.Evaluation;
import io.fedlink.strategy.FedAvg;
import io.fedlink.strategy.FitAggregate;
import io.fedlink.strategy.FitAggregator;
import io.fedlink.strategy.Strategy;
import io.fedlink.strategy.StrategyOptions;
import io.fedlink.strategy.WeightedEvaluation;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.test.ScriptedClient;
import io.fedlink.test.TestCoordinator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Flower's server flow on the loop: where the initial model comes from, centralized evaluation, the end of training
 * ({@code reconnect_ins{seconds: 0}}), round times without the quorum wait, and a strategy that decides everything.
 */
class FederatedTrainingFlowerFlowTests {

    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final Parameters CLIENT_MODEL = ParametersCodec.encode(NdArray.of(new float[] {1f, 2f, 3f}), NdArray.scalar(0.5f));

    private TestCoordinator federation;
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startCoordinator() throws Exception {
        federation = TestCoordinator.inProcess().quorumTimeout(Duration.ofSeconds(30)).start();
    }

    @AfterEach
    void stopCoordinator() throws Exception {
        federation.close();
    }

    /** A client with its own model: gives it on get_parameters, fits by adding 1, evaluates with loss 1/(1+w0). */
    private ScriptedClient clientWithModel(String name) {
        return (instruction, connection) -> switch (instruction.getMsgCase()) {
            case GET_PARAMETERS_INS -> {
                seen.add(name + " get_parameters");
                yield ClientMessage.newBuilder().setGetParametersRes(ClientMessage.GetParametersRes.newBuilder()
                        .setParameters(CLIENT_MODEL)).build();
            }
            case FIT_INS -> {
                seen.add(name + " fit " + instruction.getFitIns().getParameters().getTensorsCount() + " tensors");
                yield fitRes(plusOne(instruction.getFitIns().getParameters()), 10);
            }
            case EVALUATE_INS -> evaluateRes(0.25, 10, Map.of());
            default -> throw new IllegalStateException("unexpected " + instruction.getMsgCase());
        };
    }

    /** A client that cannot give parameters (as the sample client could not before) but fits {@link #CLIENT_MODEL}. */
    private ScriptedClient clientWithoutParameters() {
        return (instruction, connection) -> switch (instruction.getMsgCase()) {
            case GET_PARAMETERS_INS -> ClientMessage.newBuilder().setGetParametersRes(ClientMessage.GetParametersRes
                    .newBuilder().setStatus(Status.newBuilder().setCode(Code.GET_PARAMETERS_NOT_IMPLEMENTED))).build();
            case FIT_INS -> fitRes(plusOne(CLIENT_MODEL), 10);
            case EVALUATE_INS -> evaluateRes(0.25, 10, Map.of());
            default -> throw new IllegalStateException("unexpected " + instruction.getMsgCase());
        };
    }

    private static Parameters plusOne(Parameters parameters) {
        return ParametersCodec.encode(ParametersCodec.decode(parameters).stream().map(array -> {
            double[] values = array.toDoubleArray();
            for (int i = 0; i < values.length; i++) {
                values[i] += 1;
            }
            return NdArray.fromDoubles(array.dtype(), values, array.shape());
        }).toList());
    }

    @Test
    void withNoModelConfiguredTheInitialParametersComeFromOneClientsGetParameters() throws Exception {
        federation.join(FlowerScripts.endingOnReconnect(clientWithModel("a")));

        TrainingResult result = assertTimeoutPreemptively(BOUND, () -> FederatedTraining.builder(federation.clientManager())
                .strategy(FederatedTrainingTests.fedAvg(1)).rounds(2).build().run());

        assertThat(seen).containsExactly("a get_parameters", "a fit 2 tensors", "a fit 2 tensors");
        assertThat(result.modelArrays().get(0).toFloatArray()).containsExactly(3f, 4f, 5f);
        assertThat(result.modelArrays().get(1).toFloatArray()).containsExactly(2.5f);
    }

    @Test
    void aClientThatCannotGiveParametersLeavesEmptyOnesAndTheFirstUpdateSetsTheModel() throws Exception {
        federation.join(FlowerScripts.endingOnReconnect(clientWithoutParameters()));

        TrainingResult result = assertTimeoutPreemptively(BOUND, () -> FederatedTraining.builder(federation.clientManager())
                .strategy(FederatedTrainingTests.fedAvg(1)).rounds(1).build().run());

        assertThat(result.history().rounds()).singleElement().satisfies(round -> assertThat(round.completed()).isTrue());
        assertThat(result.modelArrays().get(0).toFloatArray()).containsExactly(2f, 3f, 4f);
    }

    @Test
    void theStrategysInitialParametersComeBeforeAskingAClientAndTheGivenModelBeforeBoth() throws Exception {
        federation.join(FlowerScripts.endingOnReconnect(clientWithModel("a")));
        Parameters fromStrategy = ParametersCodec.encode(NdArray.of(new float[] {10f, 20f, 30f}), NdArray.scalar(0f));
        Parameters given = ParametersCodec.encode(NdArray.of(new float[] {-1f, -1f, -1f}), NdArray.scalar(-1f));
        FedAvg strategy = new FedAvg(StrategyOptions.builder().minClients(1).initialParameters(fromStrategy).build());

        TrainingResult fromTheStrategy = FederatedTraining.builder(federation.clientManager()).strategy(strategy)
                .disconnectClientsWhenDone(false).build().run();
        TrainingResult fromTheBuilder = FederatedTraining.builder(federation.clientManager(), given).strategy(strategy)
                .disconnectClientsWhenDone(false).build().run();

        assertThat(seen).doesNotContain("a get_parameters");
        assertThat(fromTheStrategy.modelArrays().get(0).toFloatArray()).containsExactly(11f, 21f, 31f);
        assertThat(fromTheBuilder.modelArrays().get(0).toFloatArray()).containsExactly(0f, 0f, 0f);
    }

    @Test
    void everyClientIsToldToDisconnectWhenTrainingEnds() throws Exception {
        federation.join(FlowerScripts.endingOnReconnect(clientWithModel("a")));
        federation.join(FlowerScripts.endingOnReconnect(clientWithModel("b")));

        assertTimeoutPreemptively(BOUND, () -> FederatedTraining.builder(federation.clientManager(), CLIENT_MODEL)
                .strategy(FederatedTrainingTests.fedAvg(2)).build().run());

        await("every client hangs up after reconnect_ins{seconds: 0}").atMost(Duration.ofSeconds(10))
                .until(() -> federation.clientManager().numAvailable() == 0);
    }

    @Test
    void centralizedEvaluationRunsOnTheInitialModelAndAfterEveryRoundAndIsRecorded() throws Exception {
        federation.join(FlowerScripts.endingOnReconnect(clientWithModel("a")));
        List<Integer> evaluated = new CopyOnWriteArrayList<>();
        FedAvg strategy = new FedAvg(StrategyOptions.builder().minClients(1).evaluateFunction((round, parameters) -> {
            evaluated.add(round);
            double w0 = parameters.get(0).getDouble(0);
            return Optional.of(new Evaluation(1 / (1 + w0), Map.of("w0", w0)));
        }).build());

        TrainingResult result = assertTimeoutPreemptively(BOUND, () -> FederatedTraining.builder(federation.clientManager(), CLIENT_MODEL)
                .strategy(strategy).rounds(2).build().run());

        assertThat(evaluated).containsExactly(0, 1, 2);
        RoundRecord second = result.history().rounds().get(1);
        assertThat(second.centralized().loss()).isEqualTo(1 / 4.0);
        assertThat(second.centralized().metrics()).containsEntry("w0", 3.0);
        assertThat(second.loss()).as("the federated loss is kept apart").isEqualTo(0.25);
        assertThat(second.describe(2)).contains(", centralized loss 0.250, centralized w0 3.000, ");
    }

    @Test
    void aRoundsTimeDoesNotIncludeTheWaitForItsQuorum() throws Exception {
        Duration late = Duration.ofSeconds(3);
        Thread joiner = new Thread(() -> {
            try {
                Thread.sleep(late.toMillis());
                federation.join(FlowerScripts.endingOnReconnect(clientWithModel("late")));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        joiner.start();

        TrainingResult result = assertTimeoutPreemptively(BOUND, () -> FederatedTraining.builder(federation.clientManager(), CLIENT_MODEL)
                .strategy(FederatedTrainingTests.fedAvg(1)).build().run());
        joiner.join(10_000);

        RoundRecord round = result.history().rounds().get(0);
        assertThat(round.completed()).isTrue();
        assertThat(round.duration()).as("the round's own time, without the %s its client took to join", late).isLessThan(late);
    }

    @Test
    void theStrategyDecidesTheClientsTheInstructionsAndTheNewModel() throws Exception {
        ClientProxy first = federation.join(FlowerScripts.endingOnReconnect(clientWithModel("first")));
        federation.join(FlowerScripts.endingOnReconnect(clientWithModel("second")));
        Parameters decided = ParametersCodec.encode(NdArray.of(new float[] {42f}));
        List<String> closed = new CopyOnWriteArrayList<>();
        Strategy onlyTheFirst = new Strategy() {
            @Override
            public List<ClientInstruction<ServerMessage.FitIns>> configureFit(int round, Parameters parameters,
                                                                             ClientManager clientManager) {
                return List.of(new ClientInstruction<>(first, ServerMessage.FitIns.newBuilder().setParameters(parameters).build()));
            }

            @Override
            public FitAggregator fitAggregator(int round, Parameters parameters) {
                return new FitAggregator() {
                    private int added;

                    @Override
                    public void add(ClientProxy client, ClientMessage.FitRes result) {
                        added++;
                    }

                    @Override
                    public FitAggregate result(List<ClientFailure> failures) {
                        return FitAggregate.of(decided, Map.of("added", (double) added));
                    }

                    @Override
                    public void close() {
                        closed.add("round " + round);
                    }
                };
            }

            @Override
            public List<ClientInstruction<ServerMessage.EvaluateIns>> configureEvaluate(int round, Parameters parameters,
                                                                                       ClientManager clientManager) {
                return List.of();
            }

            @Override
            public EvaluateAggregator evaluateAggregator(int round) {
                return new WeightedEvaluation();
            }
        };

        TrainingResult result = assertTimeoutPreemptively(BOUND, () -> FederatedTraining.builder(federation.clientManager(), CLIENT_MODEL)
                .strategy(onlyTheFirst).disconnectClientsWhenDone(false).build().run());

        assertThat(seen).containsExactly("first fit 2 tensors");
        assertThat(result.model()).isEqualTo(decided);
        assertThat(result.history().rounds().get(0).fitMetrics()).containsEntry("added", 1.0);
        assertThat(result.history().rounds().get(0).evaluateAsked()).isZero();
        assertThat(closed).containsExactly("round 1");
    }
}
