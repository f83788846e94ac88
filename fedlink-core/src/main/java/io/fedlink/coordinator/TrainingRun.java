package io.fedlink.coordinator;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link FederatedTraining} run on a thread of its own, for coordinators that train as soon as they start
 * ({@code fedlink.server.training.auto-start}): its phase for dashboards, and its end as a future.
 */
public class TrainingRun {

    private static final Logger log = LoggerFactory.getLogger(TrainingRun.class);

    /** Where the run is. */
    public enum Phase {
        /** Not started yet. */
        NOT_STARTED,
        /** Waiting for clients or playing rounds. */
        RUNNING,
        /** Every round was played and completed. */
        FINISHED,
        /** Every round was played, some failed (or the failure policy stopped the training). */
        FINISHED_WITH_FAILED_ROUNDS,
        /** The training ended with an error, or was stopped before its last round. */
        FAILED
    }

    private final FederatedTraining training;
    private final CompletableFuture<TrainingResult> result = new CompletableFuture<>();
    private volatile Phase phase = Phase.NOT_STARTED;

    public TrainingRun(FederatedTraining training) {
        this.training = Objects.requireNonNull(training, "training");
    }

    /**
     * Starts the training on a new thread named {@code fedlink-training}.
     *
     * @throws IllegalStateException if it was started before
     */
    public void start() {
        start(code -> { });
    }

    /**
     * Starts the training on a new thread named {@code fedlink-training}; when it ends by itself (its rounds played,
     * or an error), calls {@code onEnd} on that thread with {@link #exitCode()}, after {@link #result()} completed.
     * A run ended by {@link #stop} or an interrupt (the application shutting down, say) does not call it.
     *
     * @throws IllegalStateException if it was started before
     */
    public synchronized void start(IntConsumer onEnd) {
        Objects.requireNonNull(onEnd, "onEnd");
        if (phase != Phase.NOT_STARTED) {
            throw new IllegalStateException("this training run was already started");
        }
        phase = Phase.RUNNING;
        Thread thread = new Thread(() -> run(onEnd), "fedlink-training");
        thread.start();
    }

    private void run(IntConsumer onEnd) {
        try {
            TrainingResult outcome = training.run();
            boolean all = outcome.history().size() == training.rounds()
                    && outcome.history().rounds().stream().allMatch(RoundRecord::completed);
            phase = all ? Phase.FINISHED : Phase.FINISHED_WITH_FAILED_ROUNDS;
            result.complete(outcome);
        } catch (InterruptedException e) {
            log.info("Training stopped: {}", e.getMessage());
            phase = Phase.FAILED;
            result.completeExceptionally(e);
            return;
        } catch (RuntimeException | Error e) {
            log.error("Training failed", e);
            phase = Phase.FAILED;
            result.completeExceptionally(e);
        }
        onEnd.accept(exitCode());
    }

    /** The training this run plays. */
    public FederatedTraining training() {
        return training;
    }

    /** Where the run is; safe to read from any thread. */
    public Phase phase() {
        return phase;
    }

    /** Completes with the result when every round was played, exceptionally if the training failed or was stopped. */
    public CompletableFuture<TrainingResult> result() {
        return result;
    }

    /** The process exit code this run's end calls for: 0 when every round completed, 1 otherwise. */
    public int exitCode() {
        return phase == Phase.FINISHED ? 0 : 1;
    }

    /** Stops the training and waits up to {@code timeout} for it to end; see {@link FederatedTraining#stop}. */
    public boolean stop(Duration timeout) {
        return training.stop(timeout);
    }
}
