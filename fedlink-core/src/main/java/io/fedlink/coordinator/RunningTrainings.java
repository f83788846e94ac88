package io.fedlink.coordinator;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainings running now, so that a coordinator shutting down can stop them before it closes the client streams:
 * a round cut short by the shutdown is then abandoned (not recorded, not checkpointed, played again after a
 * restart) instead of failing because every client "disconnected". Add it as a {@link RoundListener} to every
 * training (the auto-configuration does); thread-safe.
 */
public class RunningTrainings implements RoundListener {

    private static final Logger log = LoggerFactory.getLogger(RunningTrainings.class);

    private final Set<FederatedTraining> running = new CopyOnWriteArraySet<>();

    @Override
    public void trainingStarted(FederatedTraining training) {
        running.add(training);
    }

    @Override
    public void trainingEnded(FederatedTraining training) {
        running.remove(training);
    }

    /** The trainings running now. */
    public List<FederatedTraining> running() {
        return List.copyOf(running);
    }

    /**
     * Stops every running training ({@link FederatedTraining#stop(Duration)}) and waits up to {@code timeout} in all
     * for them to end.
     *
     * @return whether every one ended in time
     */
    public boolean stopAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<FederatedTraining> trainings = running();
        trainings.forEach(FederatedTraining::requestStop);
        boolean all = true;
        for (FederatedTraining training : trainings) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            if (!training.stop(left)) {
                log.warn("Training {} did not stop within {}", training, timeout);
                all = false;
            }
        }
        return all;
    }
}
