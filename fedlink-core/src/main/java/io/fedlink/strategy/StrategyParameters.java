package io.fedlink.strategy;

import io.fedlink.strategy.aggregate.UpdateStore;
import java.util.Objects;

/**
 * The parameters of the built-in strategies beyond {@link StrategyOptions}, under Flower's names, for building one
 * by name ({@link BuiltInStrategy#create}). Each one is {@code null} for the strategy's Flower default; a strategy
 * ignores the ones it does not have.
 *
 * @param serverLearningRate       FedAvgM's server_learning_rate (1.0)
 * @param serverMomentum           FedAvgM's server_momentum (0.0)
 * @param proximalMu               FedProx's proximal_mu (required by FedProx)
 * @param eta                      FedAdagrad/FedAdam/FedYogi's server learning rate (0.1, 0.1, 0.01)
 * @param etaL                     their client learning rate (0.1, 0.1, 0.0316; not used by the server)
 * @param beta1                    FedAdam/FedYogi's first-moment decay (0.9)
 * @param beta2                    FedAdam/FedYogi's second-moment decay (0.99)
 * @param tau                      their adaptivity (1e-9, 1e-9, 1e-3)
 * @param beta                     FedTrimmedAvg's share cut from each end (0.2)
 * @param numMaliciousClients      Krum/Bulyan's num_malicious_clients (0)
 * @param numClientsToKeep         Krum's num_clients_to_keep, multi-Krum when above 0 (0)
 * @param qParam                   QFedAvg's q_param (0.2)
 * @param qfflLearningRate         QFedAvg's qffl_learning_rate (0.1)
 * @param minCompletionRateFit     FaultTolerantFedAvg's min_completion_rate_fit (0.5)
 * @param minCompletionRateEvaluate FaultTolerantFedAvg's min_completion_rate_evaluate (0.5)
 * @param storage                  where the robust strategies keep a round's updates
 */
public record StrategyParameters(Double serverLearningRate, Double serverMomentum, Double proximalMu, Double eta,
                                 Double etaL, Double beta1, Double beta2, Double tau, Double beta,
                                 Integer numMaliciousClients, Integer numClientsToKeep, Double qParam,
                                 Double qfflLearningRate, Double minCompletionRateFit, Double minCompletionRateEvaluate,
                                 UpdateStore.Settings storage) {

    public StrategyParameters {
        Objects.requireNonNull(storage, "storage");
    }

    /** Every parameter at its Flower default, updates kept as {@link UpdateStore.Settings#defaults()}. */
    public static StrategyParameters defaults() {
        return new StrategyParameters(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, UpdateStore.Settings.defaults());
    }

    static double or(Double value, double fallback) {
        return value != null ? value : fallback;
    }

    static int or(Integer value, int fallback) {
        return value != null ? value : fallback;
    }
}
