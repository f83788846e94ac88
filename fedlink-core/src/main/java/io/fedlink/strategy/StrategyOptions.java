package io.fedlink.strategy;

import io.fedlink.proto.Parameters;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings every built-in strategy shares with Flower's {@code FedAvg}, under Flower's names: which clients a
 * round samples ({@code fraction_fit}, {@code min_fit_clients}, ...), whether a round with failures counts
 * ({@code accept_failures}), the per-round configs, centralized evaluation and initial parameters. Immutable; build
 * with {@link #builder()}, whose defaults are Flower's {@code FedAvg} defaults.
 */
public final class StrategyOptions {

    private final double fractionFit;
    private final double fractionEvaluate;
    private final int minFitClients;
    private final int minEvaluateClients;
    private final int minAvailableClients;
    private final boolean acceptFailures;
    private final FitConfigFunction onFitConfig;
    private final EvaluateConfigFunction onEvaluateConfig;
    private final EvaluateFunction evaluateFunction;
    private final Parameters initialParameters;

    private StrategyOptions(Builder builder) {
        this.fractionFit = builder.fractionFit;
        this.fractionEvaluate = builder.fractionEvaluate;
        this.minFitClients = builder.minFitClients;
        this.minEvaluateClients = builder.minEvaluateClients;
        this.minAvailableClients = builder.minAvailableClients;
        this.acceptFailures = builder.acceptFailures;
        this.onFitConfig = builder.onFitConfig;
        this.onEvaluateConfig = builder.onEvaluateConfig;
        this.evaluateFunction = builder.evaluateFunction;
        this.initialParameters = builder.initialParameters;
    }

    /** Flower's {@code FedAvg} defaults: every client, at least 2, failures accepted, empty configs. */
    public static StrategyOptions defaults() {
        return builder().build();
    }

    /** A builder starting from Flower's {@code FedAvg} defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Share of the available clients sampled for fit ({@code fraction_fit}). */
    public double fractionFit() {
        return fractionFit;
    }

    /** Share of the available clients sampled for evaluation; 0 turns federated evaluation off. */
    public double fractionEvaluate() {
        return fractionEvaluate;
    }

    /** Fewest clients a fit round samples ({@code min_fit_clients}). */
    public int minFitClients() {
        return minFitClients;
    }

    /** Fewest clients an evaluation samples ({@code min_evaluate_clients}). */
    public int minEvaluateClients() {
        return minEvaluateClients;
    }

    /** How many clients must be connected before a round samples ({@code min_available_clients}). */
    public int minAvailableClients() {
        return minAvailableClients;
    }

    /** Whether a round in which some clients failed still aggregates the others ({@code accept_failures}). */
    public boolean acceptFailures() {
        return acceptFailures;
    }

    /** The config of round {@code round}'s {@code fit_ins}. */
    public Map<String, ?> fitConfig(int round) {
        return onFitConfig.configure(round);
    }

    /** The config of round {@code round}'s {@code evaluate_ins}. */
    public Map<String, ?> evaluateConfig(int round) {
        return onEvaluateConfig.configure(round);
    }

    /** Centralized evaluation, if any ({@code evaluate_fn}). */
    public Optional<EvaluateFunction> evaluateFunction() {
        return Optional.ofNullable(evaluateFunction);
    }

    /** The initial global model, if given ({@code initial_parameters}). */
    public Optional<Parameters> initialParameters() {
        return Optional.ofNullable(initialParameters);
    }

    /** Configures {@link StrategyOptions}; every setter checks its value and names it when wrong. */
    public static final class Builder {

        private double fractionFit = 1.0;
        private double fractionEvaluate = 1.0;
        private int minFitClients = 2;
        private int minEvaluateClients = 2;
        private int minAvailableClients = 2;
        private boolean acceptFailures = true;
        private FitConfigFunction onFitConfig = round -> Map.of();
        private EvaluateConfigFunction onEvaluateConfig = round -> Map.of();
        private EvaluateFunction evaluateFunction;
        private Parameters initialParameters;

        private Builder() {
        }

        private Builder(StrategyOptions options) {
            this.fractionFit = options.fractionFit;
            this.fractionEvaluate = options.fractionEvaluate;
            this.minFitClients = options.minFitClients;
            this.minEvaluateClients = options.minEvaluateClients;
            this.minAvailableClients = options.minAvailableClients;
            this.acceptFailures = options.acceptFailures;
            this.onFitConfig = options.onFitConfig;
            this.onEvaluateConfig = options.onEvaluateConfig;
            this.evaluateFunction = options.evaluateFunction;
            this.initialParameters = options.initialParameters;
        }

        /** Share of the available clients sampled for fit, 0 to 1 (default 1.0). */
        public Builder fractionFit(double fractionFit) {
            this.fractionFit = fraction(fractionFit, "fractionFit");
            return this;
        }

        /** Share of the available clients sampled for evaluation, 0 to 1; 0 turns it off (default 1.0). */
        public Builder fractionEvaluate(double fractionEvaluate) {
            this.fractionEvaluate = fraction(fractionEvaluate, "fractionEvaluate");
            return this;
        }

        /** Fewest clients a fit round samples (default 2). */
        public Builder minFitClients(int minFitClients) {
            this.minFitClients = atLeastOne(minFitClients, "minFitClients");
            return this;
        }

        /** Fewest clients an evaluation samples (default 2). */
        public Builder minEvaluateClients(int minEvaluateClients) {
            this.minEvaluateClients = atLeastOne(minEvaluateClients, "minEvaluateClients");
            return this;
        }

        /** How many clients must be connected before a round samples (default 2). */
        public Builder minAvailableClients(int minAvailableClients) {
            this.minAvailableClients = atLeastOne(minAvailableClients, "minAvailableClients");
            return this;
        }

        /** Sets all three minimums at once: handy for one-client tests and demos. */
        public Builder minClients(int minClients) {
            return minFitClients(minClients).minEvaluateClients(minClients).minAvailableClients(minClients);
        }

        /** Whether a round with failed clients still aggregates the others (default true). */
        public Builder acceptFailures(boolean acceptFailures) {
            this.acceptFailures = acceptFailures;
            return this;
        }

        /** The config of each round's {@code fit_ins} (default empty). */
        public Builder onFitConfig(FitConfigFunction onFitConfig) {
            this.onFitConfig = Objects.requireNonNull(onFitConfig, "onFitConfig");
            return this;
        }

        /** The config of each round's {@code evaluate_ins} (default empty). */
        public Builder onEvaluateConfig(EvaluateConfigFunction onEvaluateConfig) {
            this.onEvaluateConfig = Objects.requireNonNull(onEvaluateConfig, "onEvaluateConfig");
            return this;
        }

        /** Centralized evaluation (default none). */
        public Builder evaluateFunction(EvaluateFunction evaluateFunction) {
            this.evaluateFunction = evaluateFunction;
            return this;
        }

        /** The initial global model (default none: the training loop asks a client). */
        public Builder initialParameters(Parameters initialParameters) {
            this.initialParameters = initialParameters;
            return this;
        }

        /** The options. */
        public StrategyOptions build() {
            return new StrategyOptions(this);
        }

        private static double fraction(double value, String name) {
            if (!(value >= 0 && value <= 1)) {
                throw new IllegalArgumentException(name + " must be between 0 and 1, was " + value);
            }
            return value;
        }

        private static int atLeastOne(int value, String name) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, was " + value);
            }
            return value;
        }
    }
}
