package io.fedlink.strategy;

/**
 * Adaptive federated optimization with Adam (Flower's {@code FedAdam}): {@code v = β2 v + (1 - β2) Δ²}, and Flower's
 * bias-corrected step {@code η sqrt(1 - β2^(round+1)) / (1 - β1^(round+1))}. Defaults: η = 0.1, η_l = 0.1,
 * β1 = 0.9, β2 = 0.99, τ = 1e-9.
 */
public class FedAdam extends FedOpt {

    /** Flower's FedAdam defaults. */
    public static Settings defaults() {
        return new Settings(1e-1, 1e-1, 0.9, 0.99, 1e-9);
    }

    public FedAdam(StrategyOptions options) {
        this(options, defaults());
    }

    public FedAdam(StrategyOptions options, Settings settings) {
        super(options, settings);
    }

    @Override
    protected double secondMoment(double v, double delta) {
        return settings.beta2() * v + (1 - settings.beta2()) * delta * delta;
    }

    @Override
    protected double stepSize(int round) {
        return settings.eta() * Math.sqrt(1 - Math.pow(settings.beta2(), round + 1.0))
                / (1 - Math.pow(settings.beta1(), round + 1.0));
    }
}
