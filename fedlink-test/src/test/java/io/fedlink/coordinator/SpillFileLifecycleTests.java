package io.fedlink.coordinator;

import static io.fedlink.test.TestMessages.fitRes;
import static io.fedlink.test.TestMessages.fitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.Parameters;
import io.fedlink.strategy.FedMedian;
import io.fedlink.strategy.StrategyOptions;
import io.fedlink.strategy.aggregate.UpdateStore;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.test.ScriptedClient;
import io.fedlink.test.TestCoordinator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A robust strategy's spill file (FedMedian with a heap budget of 0, so its first update of a round goes to a file)
 * exists while its round collects updates and is gone when the round ends, whether the round completes, loses a
 * client mid-way, fails, or is cut short by {@link FederatedTraining#stop(Duration)}. Three in-process clients; the
 * third one's fit reply is held until the test has seen the file.
 */
class SpillFileLifecycleTests {

    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final Parameters INITIAL = model(0f);

    @TempDir
    Path spillDirectory;
    private TestCoordinator federation;
    private final CountDownLatch releaseThird = new CountDownLatch(1);
    /** Files in the spill directory when each round was reported (completed or failed). */
    private final List<Integer> filesAtRoundEnd = new CopyOnWriteArrayList<>();
    private final List<RoundRecord> rounds = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startCoordinator() throws Exception {
        federation = TestCoordinator.inProcess().quorumTimeout(BOUND).start();
    }

    @AfterEach
    void stopCoordinator() {
        releaseThird.countDown();
        federation.close();
    }

    @Test
    void theFileExistsWhileARoundCollectsAndIsGoneAfterACompletedRoundAndAfterARoundThatLostAClient() throws Exception {
        joinTwoPromptClients();
        AtomicInteger thirdFits = new AtomicInteger();
        federation.join(FlowerScripts.endingOnReconnect((instruction, connection) -> {
            if (thirdFits.incrementAndGet() == 1) {
                releaseThird.await(BOUND.toSeconds(), TimeUnit.SECONDS);
                return fitRes(model(3f), 10);
            }
            connection.abort("killed mid-round"); // round 2: gone without a reply
            return null;
        }));
        FederatedTraining training = training(2, true);

        CompletableFuture<TrainingResult> run = CompletableFuture.supplyAsync(() -> runQuietly(training));
        Path file = awaitSpillFile();
        assertThat(file.getFileName().toString()).startsWith("fedlink-updates-").endsWith(".spill");
        releaseThird.countDown();
        TrainingResult result = run.get(BOUND.toSeconds(), TimeUnit.SECONDS);

        assertThat(rounds).extracting(RoundRecord::round, RoundRecord::completed, RoundRecord::fitReplies)
                .containsExactly(tuple(1, true, 3),
                        tuple(2, true, 2));
        assertThat(rounds.get(1).failures()).hasSize(1);
        assertThat(filesAtRoundEnd).as("files in the spill directory at the end of rounds 1 and 2").containsExactly(0, 0);
        assertThat(ParametersCodec.decode(result.model()).get(0).toFloatArray()).as("median of 1, 2 (round 2)")
                .containsExactly(1.5f);
        assertThat(filesIn(spillDirectory)).isEmpty();
    }

    @Test
    void theFileIsGoneAfterARoundThatFails() throws Exception {
        joinTwoPromptClients();
        federation.join(FlowerScripts.endingOnReconnect((instruction, connection) -> {
            releaseThird.await(BOUND.toSeconds(), TimeUnit.SECONDS);
            return fitStatus(Code.FIT_NOT_IMPLEMENTED, "no fit here");
        }));
        FederatedTraining training = training(1, false); // accept_failures=false: one failure fails the round

        CompletableFuture<TrainingResult> run = CompletableFuture.supplyAsync(() -> runQuietly(training));
        awaitSpillFile();
        releaseThird.countDown();
        run.get(BOUND.toSeconds(), TimeUnit.SECONDS);

        assertThat(rounds).singleElement().satisfies(record -> {
            assertThat(record.completed()).isFalse();
            assertThat(record.failureReason()).isNotBlank();
        });
        assertThat(filesAtRoundEnd).containsExactly(0);
        assertThat(filesIn(spillDirectory)).isEmpty();
    }

    @Test
    void theFileIsGoneOnceATrainingStoppedMidRoundHasEnded() throws Exception {
        joinTwoPromptClients();
        federation.join(FlowerScripts.endingOnReconnect((instruction, connection) -> {
            releaseThird.await(BOUND.toSeconds(), TimeUnit.SECONDS);
            return fitRes(model(3f), 10);
        }));
        FederatedTraining training = training(2, true);

        CompletableFuture<TrainingResult> run = CompletableFuture.supplyAsync(() -> runQuietly(training));
        awaitSpillFile();

        assertThat(training.stop(BOUND)).as("run() ended").isTrue();
        assertThat(filesIn(spillDirectory)).as("the spill directory right after stop()").isEmpty();
        assertThat(rounds).as("a round cut short is not reported").isEmpty();
        assertThat(run).failsWithin(BOUND);
    }

    private void joinTwoPromptClients() {
        federation.join(FlowerScripts.endingOnReconnect(prompt(1f)));
        federation.join(FlowerScripts.endingOnReconnect(prompt(2f)));
    }

    private static ScriptedClient prompt(float value) {
        return (instruction, connection) -> fitRes(model(value), 10);
    }

    private FederatedTraining training(int roundCount, boolean acceptFailures) {
        StrategyOptions options = StrategyOptions.builder().minClients(3).minFitClients(2).fractionEvaluate(0)
                .acceptFailures(acceptFailures).build();
        FedMedian strategy = new FedMedian(options, new UpdateStore.Settings(0, spillDirectory));
        return FederatedTraining.builder(federation.clientManager(), INITIAL).rounds(roundCount).strategy(strategy)
                .disconnectClientsWhenDone(false).listener(new RoundListener() {
                    @Override
                    public void roundCompleted(RoundRecord record) {
                        ended(record);
                    }

                    @Override
                    public void roundFailed(RoundRecord record) {
                        ended(record);
                    }
                }).build();
    }

    private void ended(RoundRecord record) {
        filesAtRoundEnd.add(filesIn(spillDirectory).size());
        rounds.add(record);
    }

    private Path awaitSpillFile() {
        return await("the round's spill file in " + spillDirectory).atMost(BOUND)
                .until(() -> filesIn(spillDirectory), files -> !files.isEmpty()).get(0);
    }

    private static TrainingResult runQuietly(FederatedTraining training) {
        try {
            return training.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Parameters model(float value) {
        return ParametersCodec.encode(NdArray.of(new float[] {value}));
    }

    private static List<Path> filesIn(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
