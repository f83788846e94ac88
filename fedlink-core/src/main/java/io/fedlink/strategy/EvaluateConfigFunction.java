package io.fedlink.strategy;

import java.util.Map;

/**
 * The {@code config} of each round's {@code evaluate_ins} (Flower's {@code on_evaluate_config_fn}), as plain Java
 * values (see {@link FitConfigFunction}). A bean of this type configures the built-in strategy.
 */
@FunctionalInterface
public interface EvaluateConfigFunction {

    /** The config sent with round {@code round}'s {@code evaluate_ins}; called once per round on the training thread. */
    Map<String, ?> configure(int round);
}
