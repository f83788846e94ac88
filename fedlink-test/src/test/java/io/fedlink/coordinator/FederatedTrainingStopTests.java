package io.fedlink.coordinator;

import static io.fedlink.test.TestMessages.evaluateRes;
import static io.fedlink.test.TestMessages.fitRes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientManager;
import io.fedlink.strategy.ClientInstruction;
import io.fedlink.strategy.EvaluateAggregator;
import io.fedlink.strategy.FedAvg;
import io.fedlink.strategy.FitAggregator;
import io.fedlink.strategy.Strategy;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.test.ScriptedClient;
import io.fedlink.test.TestCoordinator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training stopped (the coordinator shutting down) or interrupted mid-way: the round cut short is not a failed
 * round, nothing of it is recorded or checkpointed, {@code run()} ends with {@link InterruptedException}, and the next
 * run plays that round again (issue 12, defects 1 and 2).
 */
class FederatedTrainingStopTests {

    private static final Parameters INITIAL = ParametersCodec.encode(NdArray.of(new float[] {0f, 10f}));

    @TempDir
    Path dir;
    private TestCoordinator federation;
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger fitsSeen = new AtomicInteger();

    @BeforeEach
    void startCoordinator() throws Exception {
        federation = TestCoordinator.inProcess().quorumTimeout(Duration.ofSeconds(30)).start();
    }

    @AfterEach
    void stopCoordinator() throws Exception {
        release.countDown();
        federation.close();
    }

    /** Answers round 1's fit at once; from round 2 on, holds every fit until {@link #release} (bounded). */
    private ScriptedClient holdingFromRound2() {
        return (instruction, connection) -> {
            if (instruction.hasFitIns()) {
                if (fitsSeen.incrementAndGet() > 2) {
                    release.await(30, TimeUnit.SECONDS);
                }
                return fitRes(instruction.getFitIns().getParameters(), 10);
            }
            return evaluateRes(0.5, 10, Map.of());
        };
    }

    @Test
    void aTrainingStoppedMidRoundSavesNothingOfThatRoundAndTheNextRunPlaysIt() throws Exception {
        federation.join(FlowerScripts.endingOnReconnect(holdingFromRound2()));
        federation.join(FlowerScripts.endingOnReconnect(holdingFromRound2()));
        FileCheckpointStore store = new FileCheckpointStore(dir);
        ClosingStrategy strategy = new ClosingStrategy(FederatedTrainingTests.fedAvg(2));
        FederatedTraining training = FederatedTraining.builder(federation.clientManager(), INITIAL).rounds(3).strategy(strategy)
                .checkpointStore(store).disconnectClientsWhenDone(false).build();
        CompletableFuture<Throwable> run = runInBackground(training);
        awaitFits(4); // round 2's fit_ins are out and held

        assertThat(training.stop(Duration.ofSeconds(10))).as("run() ended").isTrue();

        assertThat(run.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class)
                .hasMessage("Round 2/3 was cut short (training stopped or interrupted); nothing of it is kept, the next"
                        + " run plays it again");
        assertThat(store.rounds()).as("checkpointed rounds").containsExactly(1);
        assertThat(training.history().rounds()).extracting(RoundRecord::round).containsExactly(1);
        assertThat(strategy.closedFitAggregators).as("round 2's aggregator was closed").hasValue(2);

        release.countDown(); // the held replies arrive late and are discarded; then the streams are free again
        await("the late replies arrive").atMost(Duration.ofSeconds(20)).until(() -> federation.clientManager().all()
                .stream().noneMatch(client -> client.stream().instructionInFlight().isPresent()));
        TrainingResult resumed = FederatedTraining.builder(federation.clientManager(), INITIAL).rounds(3)
                .strategy(FederatedTrainingTests.fedAvg(2)).checkpointStore(store).disconnectClientsWhenDone(false)
                .build().run();
        assertThat(resumed.history().rounds()).extracting(RoundRecord::round).containsExactly(1, 2, 3);
        assertThat(resumed.history().rounds()).allSatisfy(record -> assertThat(record.completed()).isTrue());
    }

    @Test
    void anInterruptDuringAQuorumWaitEndsRunWithInterruptedExceptionAndSavesNothing() throws Exception {
        FileCheckpointStore store = new FileCheckpointStore(dir);
        FederatedTraining training = FederatedTraining.builder(federation.clientManager(), INITIAL).rounds(3)
                .strategy(FederatedTrainingTests.fedAvg(2)).checkpointStore(store).build();
        Thread[] runner = new Thread[1];
        CompletableFuture<Throwable> run = new CompletableFuture<>();
        runner[0] = new Thread(() -> run.complete(outcome(training)), "training");
        runner[0].start();
        awaitWaitingForQuorum(runner[0]);

        runner[0].interrupt();

        assertThat(run.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class)
                .hasMessageStartingWith("Round 1/3 was cut short")
                .cause().hasMessage("Interrupted while waiting for 2 clients");
        assertThat(store.rounds()).as("checkpointed rounds").isEmpty();
        assertThat(training.history().rounds()).isEmpty();
    }

    @Test
    void aStopAskedBeforeRunStartsEndsThatRunAtOnce() throws Exception {
        FederatedTraining training = FederatedTraining.builder(federation.clientManager(), INITIAL).rounds(1)
                .strategy(FederatedTrainingTests.fedAvg(2)).build();

        assertThat(training.stop(Duration.ofSeconds(1))).as("no run going on").isTrue();

        assertThat(outcome(training)).isInstanceOf(InterruptedException.class)
                .hasMessage("Training stopped before it started");
        assertThat(training.history().rounds()).isEmpty();
    }

    @Test
    void anInterruptWhileRepliesAreAwaitedAbandonsTheRound() throws Exception {
        federation.join(FlowerScripts.endingOnReconnect(holdingFromRound2()));
        federation.join(FlowerScripts.endingOnReconnect(holdingFromRound2()));
        FileCheckpointStore store = new FileCheckpointStore(dir);
        Thread[] runner = new Thread[1];
        CompletableFuture<Throwable> run = new CompletableFuture<>();
        FederatedTraining training = FederatedTraining.builder(federation.clientManager(), INITIAL).rounds(2)
                .strategy(FederatedTrainingTests.fedAvg(2)).checkpointStore(store).build();
        runner[0] = new Thread(() -> run.complete(outcome(training)), "training");
        runner[0].start();
        awaitFits(4);

        runner[0].interrupt();

        assertThat(run.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(store.rounds()).containsExactly(1);
    }

    private static CompletableFuture<Throwable> runInBackground(FederatedTraining training) {
        CompletableFuture<Throwable> run = new CompletableFuture<>();
        Thread thread = new Thread(() -> run.complete(outcome(training)), "training");
        thread.start();
        return run;
    }

    private static Throwable outcome(FederatedTraining training) {
        try {
            training.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    private void awaitFits(int count) {
        await(count + " fit_ins").atMost(Duration.ofSeconds(20)).until(() -> fitsSeen.get() >= count);
    }

    /** Waits (bounded) until the thread is parked in the client manager's quorum wait. */
    private static void awaitWaitingForQuorum(Thread thread) {
        await("the training waits for its quorum").atMost(Duration.ofSeconds(20)).until(() -> inQuorumWait(thread));
    }

    private static boolean inQuorumWait(Thread thread) {
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getMethodName().equals("waitFor") && frame.getClassName().endsWith("DefaultClientManager")) {
                return true;
            }
        }
        return false;
    }

    /** FedAvg that counts how many of its fit aggregators were closed. */
    private static final class ClosingStrategy implements Strategy {
        private final FedAvg delegate;
        final AtomicInteger closedFitAggregators = new AtomicInteger();

        ClosingStrategy(FedAvg delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<ClientInstruction<ServerMessage.FitIns>> configureFit(int round, Parameters parameters,
                                                                         ClientManager clientManager) throws InterruptedException {
            return delegate.configureFit(round, parameters, clientManager);
        }

        @Override
        public FitAggregator fitAggregator(int round, Parameters parameters) {
            FitAggregator aggregator = delegate.fitAggregator(round, parameters);
            return new FitAggregator() {
                @Override
                public void add(io.fedlink.server.ClientProxy client, ClientMessage.FitRes result) {
                    aggregator.add(client, result);
                }

                @Override
                public io.fedlink.strategy.FitAggregate result(List<io.fedlink.server.ClientFailure> failures) {
                    return aggregator.result(failures);
                }

                @Override
                public void close() {
                    closedFitAggregators.incrementAndGet();
                    aggregator.close();
                }
            };
        }

        @Override
        public List<ClientInstruction<ServerMessage.EvaluateIns>> configureEvaluate(int round, Parameters parameters,
                                                                                   ClientManager clientManager)
                throws InterruptedException {
            return delegate.configureEvaluate(round, parameters, clientManager);
        }

        @Override
        public EvaluateAggregator evaluateAggregator(int round) {
            return delegate.evaluateAggregator(round);
        }
    }
}
