package io.fedlink.coordinator;

import io.fedlink.server.ClientProxy;
import java.util.List;

/**
 * Told of each training's start and end and of each round's progress by {@link FederatedTraining}, on the thread
 * running the loop; a round's end is told after its checkpoint (if any) is saved. Keep callbacks short; an exception thrown here is logged and does not stop
 * training. Every method has an empty default.
 */
public interface RoundListener {

    /**
     * {@link FederatedTraining#run()} started on the calling thread (before the initial parameters are looked for,
     * also when training resumes from a checkpoint).
     */
    default void trainingStarted(FederatedTraining training) {
    }

    /** {@link FederatedTraining#run()} ended: every round was played, it was stopped, or it failed. */
    default void trainingEnded(FederatedTraining training) {
    }

    /** The round's clients were selected and its {@code fit_ins} are about to go out. */
    default void roundStarted(int round, List<ClientProxy> clientsAsked) {
    }

    /** The round updated the global model. */
    default void roundCompleted(RoundRecord record) {
    }

    /** The round did not update the global model; {@link RoundRecord#failureReason()} says why. */
    default void roundFailed(RoundRecord record) {
    }
}
