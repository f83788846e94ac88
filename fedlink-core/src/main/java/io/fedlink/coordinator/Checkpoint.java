package io.fedlink.coordinator;

import io.fedlink.proto.Parameters;
import java.util.Objects;

/**
 * The state of training after a round: enough to resume at {@code round + 1}.
 *
 * @param round   the last round played
 * @param model   the global model after it
 * @param history the records of every round up to it
 */
public record Checkpoint(int round, Parameters model, History history) {

    public Checkpoint {
        if (round < 1) {
            throw new IllegalArgumentException("a checkpoint's round must be at least 1, was " + round);
        }
        Objects.requireNonNull(model, "model");
        history = Objects.requireNonNull(history, "history").snapshot();
    }
}
