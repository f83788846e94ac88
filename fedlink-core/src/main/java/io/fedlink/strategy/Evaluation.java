package io.fedlink.strategy;

import java.util.Map;

/**
 * A loss and metrics: aggregated from clients' evaluations, or computed centrally.
 *
 * @param loss    the loss, NaN when there is none (no client answered)
 * @param metrics metrics by name
 */
public record Evaluation(double loss, Map<String, Double> metrics) {

    public Evaluation {
        metrics = Map.copyOf(metrics);
    }

    /** No loss and no metrics. */
    public static Evaluation none() {
        return new Evaluation(Double.NaN, Map.of());
    }
}
