package io.fedlink.strategy;

import io.fedlink.proto.Parameters;
import io.fedlink.strategy.aggregate.ServerStep;
import io.fedlink.strategy.aggregate.WeightedMean;

/**
 * Federated averaging with server momentum (Flower's {@code FedAvgM}, Hsu et al. 2019): the weighted mean gives a
 * pseudo-gradient {@code g = current - mean}; with {@code server_momentum} β > 0 it is replaced by the momentum
 * {@code v = β v + g} (from {@code v = g} in the first round that aggregates), and the new model is
 * {@code current - server_learning_rate * v}. With the defaults (learning rate 1, momentum 0) it is FedAvg. The
 * momentum lives in the strategy across rounds (one model-sized array; not checkpointed: it restarts after a restart).
 */
public class FedAvgM extends FedAvg {

    private final double serverLearningRate;
    private final double serverMomentum;
    private double[][] momentum;

    /** FedAvgM with Flower's defaults: server learning rate 1.0, momentum 0.0. */
    public FedAvgM(StrategyOptions options) {
        this(options, 1.0, 0.0);
    }

    /**
     * @throws IllegalArgumentException if the learning rate is not positive or the momentum is negative
     */
    public FedAvgM(StrategyOptions options, double serverLearningRate, double serverMomentum) {
        super(options);
        if (!(serverLearningRate > 0)) {
            throw new IllegalArgumentException("serverLearningRate must be positive, was " + serverLearningRate);
        }
        if (!(serverMomentum >= 0)) {
            throw new IllegalArgumentException("serverMomentum must not be negative, was " + serverMomentum);
        }
        this.serverLearningRate = serverLearningRate;
        this.serverMomentum = serverMomentum;
    }

    @Override
    protected Parameters aggregate(int round, Parameters current, WeightedMean mean) {
        boolean serverOptimizer = serverMomentum != 0.0 || serverLearningRate != 1.0;
        if (!serverOptimizer || !ServerStep.applies(current, mean)) {
            return mean.result();
        }
        boolean first = !ServerStep.fits(momentum, mean.layout());
        if (first) {
            momentum = ServerStep.zeros(mean.layout());
        }
        return ServerStep.apply(current, mean, (t, i, x, average) -> {
            double gradient = x - average;
            if (serverMomentum > 0.0) {
                gradient = first ? gradient : serverMomentum * momentum[t][i] + gradient;
                momentum[t][i] = gradient;
            }
            return x - serverLearningRate * gradient;
        });
    }

    @Override
    public String toString() {
        return "FedAvgM(accept_failures=" + options.acceptFailures() + ", server_learning_rate=" + serverLearningRate
                + ", server_momentum=" + serverMomentum + ")";
    }
}
