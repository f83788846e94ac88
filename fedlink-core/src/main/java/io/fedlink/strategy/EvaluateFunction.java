package io.fedlink.strategy;

import io.fedlink.tensor.NdArray;
import java.util.List;
import java.util.Optional;

/**
 * Centralized evaluation on the coordinator (Flower's {@code evaluate_fn}): evaluates a global model on data the
 * coordinator holds. Called with round 0 for the initial model and after every round that produced a new model,
 * on the training thread. A bean of this type configures the built-in strategy; its results go in each round's
 * record ({@link io.fedlink.coordinator.RoundRecord#centralized()}) and log line.
 *
 * <pre>{@code
 * @Bean EvaluateFunction evaluateFn(TestSet testSet) {
 *     return (round, parameters) -> Optional.of(new Evaluation(testSet.loss(parameters), Map.of("accuracy", ...)));
 * }
 * }</pre>
 */
@FunctionalInterface
public interface EvaluateFunction {

    /**
     * The loss and metrics of {@code parameters}, or empty when there is nothing to evaluate this round.
     *
     * @param round      the round that produced the model; 0 for the initial model
     * @param parameters the global model, decoded
     */
    Optional<Evaluation> evaluate(int round, List<NdArray> parameters);
}
