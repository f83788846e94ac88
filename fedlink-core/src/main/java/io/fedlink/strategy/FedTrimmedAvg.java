package io.fedlink.strategy;

import io.fedlink.proto.Parameters;
import io.fedlink.strategy.aggregate.Robust;
import io.fedlink.strategy.aggregate.UpdateStore;

/**
 * Federated averaging with a trimmed mean (Flower's {@code FedTrimmedAvg}, Yin et al. 2018): coordinate by
 * coordinate, the {@code int(beta * n)} lowest and highest values are dropped and the rest averaged, unweighted.
 * Default {@code beta} 0.2; a beta that cuts every value makes the round fail.
 */
public class FedTrimmedAvg extends RobustStrategy {

    private final double beta;

    /** With Flower's default beta, 0.2. */
    public FedTrimmedAvg(StrategyOptions options) {
        this(options, 0.2, UpdateStore.Settings.defaults());
    }

    /**
     * @throws IllegalArgumentException if beta is outside [0, 0.5]
     */
    public FedTrimmedAvg(StrategyOptions options, double beta, UpdateStore.Settings storage) {
        super(options, storage);
        if (!(beta >= 0 && beta <= 0.5)) {
            throw new IllegalArgumentException("beta (the share cut from each end) must be between 0 and 0.5, was " + beta);
        }
        this.beta = beta;
    }

    @Override
    protected Parameters reduce(UpdateStore updates) {
        return Robust.trimmedMean(updates, beta);
    }

    @Override
    public String toString() {
        return "FedTrimmedAvg(accept_failures=" + options.acceptFailures() + ", beta=" + beta + ")";
    }
}
