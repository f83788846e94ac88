package io.fedlink.coordinator;

import io.fedlink.server.ClientProxy;
import java.util.List;

/**
 * Told of each round's progress by {@link FederatedTraining}, on the thread running the loop, after the round's
 * checkpoint (if any) is saved. Keep callbacks short; an exception thrown here is logged and does not stop
 * training. Every method has an empty default.
 */
public interface RoundListener {

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
