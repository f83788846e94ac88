package io.fedlink.strategy;

import java.util.Map;

/**
 * The {@code config} of each round's {@code fit_ins} (Flower's {@code on_fit_config_fn}), as plain Java values that
 * {@link io.fedlink.wire.Scalars} turns into Flower's ({@code Double}, {@code Long}/{@code Integer},
 * {@code Boolean}, {@code String}, {@code byte[]}). A bean of this type configures the built-in strategy.
 *
 * <pre>{@code
 * @Bean FitConfigFunction fitConfig() {
 *     return round -> Map.of("learning_rate", 0.05, "local_epochs", round < 3 ? 1 : 2);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface FitConfigFunction {

    /** The config sent with round {@code round}'s {@code fit_ins}; called once per round on the training thread. */
    Map<String, ?> configure(int round);
}
