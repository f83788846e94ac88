package io.fedlink.strategy;

/**
 * Adaptive federated optimization with Yogi (Flower's {@code FedYogi}):
 * {@code v = v - (1 - β2) Δ² sign(v - Δ²)}, step η. Defaults: η = 0.01, η_l = 0.0316, β1 = 0.9, β2 = 0.99,
 * τ = 1e-3.
 */
public class FedYogi extends FedOpt {

    /** Flower's FedYogi defaults. */
    public static Settings defaults() {
        return new Settings(1e-2, 0.0316, 0.9, 0.99, 1e-3);
    }

    public FedYogi(StrategyOptions options) {
        this(options, defaults());
    }

    public FedYogi(StrategyOptions options, Settings settings) {
        super(options, settings);
    }

    @Override
    protected double secondMoment(double v, double delta) {
        double squared = delta * delta;
        return v - (1 - settings.beta2()) * squared * Math.signum(v - squared);
    }
}
