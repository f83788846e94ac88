package io.fedlink.strategy;

import io.fedlink.proto.Parameters;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link FitAggregator} made of a round: the new global model and aggregated fit metrics, or no model and
 * the reason (Flower's {@code aggregate_fit} returning {@code None}): the round then fails and the model stays.
 *
 * @param parameters    the new global model, or empty
 * @param metrics       aggregated fit metrics by name
 * @param failureReason why there is no new model; empty when there is one
 */
public record FitAggregate(Optional<Parameters> parameters, Map<String, Double> metrics, String failureReason) {

    public FitAggregate {
        Objects.requireNonNull(parameters, "parameters");
        metrics = Map.copyOf(metrics);
        Objects.requireNonNull(failureReason, "failureReason");
        if (parameters.isEmpty() == failureReason.isEmpty()) {
            throw new IllegalArgumentException("a FitAggregate has either a model or a failure reason, not both or neither");
        }
    }

    /** A new global model. */
    public static FitAggregate of(Parameters parameters, Map<String, Double> metrics) {
        return new FitAggregate(Optional.of(parameters), metrics, "");
    }

    /** No new model, and why (the round fails; say what the user can change). */
    public static FitAggregate rejected(String reason, Map<String, Double> metrics) {
        return new FitAggregate(Optional.empty(), metrics, reason);
    }
}
