package io.fedlink.strategy;

/**
 * Adaptive federated optimization with Adagrad (Flower's {@code FedAdagrad}): {@code v = v + Δ²}, step η; Flower
 * builds it with β1 = β2 = 0, so the first moment is the pseudo-gradient itself. Defaults: η = 0.1, η_l = 0.1,
 * τ = 1e-9.
 */
public class FedAdagrad extends FedOpt {

    /** Flower's FedAdagrad defaults. */
    public static Settings defaults() {
        return new Settings(1e-1, 1e-1, 0.0, 0.0, 1e-9);
    }

    public FedAdagrad(StrategyOptions options) {
        this(options, defaults());
    }

    public FedAdagrad(StrategyOptions options, Settings settings) {
        super(options, settings);
    }

    @Override
    protected double secondMoment(double v, double delta) {
        return v + delta * delta;
    }
}
