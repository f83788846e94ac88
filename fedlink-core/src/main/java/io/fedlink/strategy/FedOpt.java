package io.fedlink.strategy;

import io.fedlink.proto.Parameters;
import io.fedlink.strategy.aggregate.ServerStep;
import io.fedlink.strategy.aggregate.WeightedMean;

/**
 * Adaptive federated optimization (Flower's {@code FedOpt}, Reddi et al. 2021): the weighted mean gives a
 * pseudo-gradient {@code Δ = mean - current}; the first moment is {@code m = β1 m + (1 - β1) Δ}, the second moment
 * {@link #secondMoment} depends on the optimizer, and the new model is {@code current + η_t m / (sqrt(v) + τ)}.
 * Moments start at zero and live in the strategy across rounds (two model-sized arrays; not checkpointed).
 * {@code eta_l} (the clients' learning rate) is kept for Flower parity; like Flower, the server does not use it.
 */
public abstract class FedOpt extends FedAvg {

    /**
     * Flower's FedOpt parameters.
     *
     * @param eta   server-side learning rate η
     * @param etaL  client-side learning rate (not used by the server)
     * @param beta1 first-moment decay β1
     * @param beta2 second-moment decay β2
     * @param tau   adaptivity τ, added to sqrt(v)
     */
    public record Settings(double eta, double etaL, double beta1, double beta2, double tau) {

        public Settings {
            if (!(eta > 0)) {
                throw new IllegalArgumentException("eta must be positive, was " + eta);
            }
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("beta1 and beta2 must be in [0, 1), were " + beta1 + " and " + beta2);
            }
            if (!(tau >= 0)) {
                throw new IllegalArgumentException("tau must not be negative, was " + tau);
            }
        }
    }

    /** The optimizer's parameters. */
    protected final Settings settings;
    private double[][] firstMoment;
    private double[][] secondMoment;

    protected FedOpt(StrategyOptions options, Settings settings) {
        super(options);
        this.settings = settings;
    }

    /** The new second moment of one element from the old one and the element's pseudo-gradient. */
    protected abstract double secondMoment(double v, double delta);

    /** The step size of round {@code round} (η, or a bias-corrected η for FedAdam). */
    protected double stepSize(int round) {
        return settings.eta();
    }

    @Override
    protected Parameters aggregate(int round, Parameters current, WeightedMean mean) {
        if (!ServerStep.applies(current, mean)) {
            return mean.result(); // empty initial parameters: no model to take a step from yet
        }
        if (!ServerStep.fits(firstMoment, mean.layout())) {
            firstMoment = ServerStep.zeros(mean.layout());
            secondMoment = ServerStep.zeros(mean.layout());
        }
        double eta = stepSize(round);
        return ServerStep.apply(current, mean, (t, i, x, average) -> {
            double delta = average - x;
            double m = settings.beta1() * firstMoment[t][i] + (1 - settings.beta1()) * delta;
            double v = secondMoment(secondMoment[t][i], delta);
            firstMoment[t][i] = m;
            secondMoment[t][i] = v;
            return x + eta * m / (Math.sqrt(v) + settings.tau());
        });
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(accept_failures=" + options.acceptFailures() + ", eta=" + settings.eta()
                + ", beta_1=" + settings.beta1() + ", beta_2=" + settings.beta2() + ", tau=" + settings.tau() + ")";
    }
}
