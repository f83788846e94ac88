package io.fedlink.strategy;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The strategies fedlink ships, under Flower's names, so that configuration can pick one by name
 * ({@code fedlink.server.strategy.name: FedAdam}) and give it Flower's parameters.
 */
public enum BuiltInStrategy {

    /** Flower's {@code FedAvg}: the mean of the clients' models weighted by {@code num_examples}. */
    FED_AVG("FedAvg"),
    /** Flower's {@code FedAvgM}: FedAvg with server-side momentum. */
    FED_AVG_M("FedAvgM"),
    /** Flower's {@code FedProx}: FedAvg telling clients {@code proximal_mu}. */
    FED_PROX("FedProx"),
    /** Flower's {@code FedAdagrad}: server-side Adagrad on the mean. */
    FED_ADAGRAD("FedAdagrad"),
    /** Flower's {@code FedAdam}: server-side Adam on the mean. */
    FED_ADAM("FedAdam"),
    /** Flower's {@code FedYogi}: server-side Yogi on the mean. */
    FED_YOGI("FedYogi"),
    /** Flower's {@code FedMedian}: the coordinate-wise median. */
    FED_MEDIAN("FedMedian"),
    /** Flower's {@code FedTrimmedAvg}: the coordinate-wise trimmed mean. */
    FED_TRIMMED_AVG("FedTrimmedAvg"),
    /** Flower's {@code Krum}, multi-Krum with {@code num_clients_to_keep}. */
    KRUM("Krum"),
    /** Flower's {@code Bulyan} (Krum, then a trimmed mean around the median). */
    BULYAN("Bulyan"),
    /** Flower's {@code QFedAvg}: q-fair aggregation (needs centralized evaluation). */
    QFED_AVG("QFedAvg"),
    /** Flower's {@code FaultTolerantFedAvg}: FedAvg with minimum completion rates. */
    FAULT_TOLERANT_FED_AVG("FaultTolerantFedAvg");

    private final String flowerName;

    BuiltInStrategy(String flowerName) {
        this.flowerName = flowerName;
    }

    /** The name of the Flower class this strategy reproduces. */
    public String flowerName() {
        return flowerName;
    }

    /** Options with this strategy's Flower defaults: QFedAvg and FaultTolerantFedAvg sample at least one client. */
    public StrategyOptions.Builder defaultOptions() {
        return switch (this) {
            case QFED_AVG -> QFedAvg.defaultOptions();
            case FAULT_TOLERANT_FED_AVG -> FaultTolerantFedAvg.defaultOptions();
            default -> StrategyOptions.builder();
        };
    }

    /**
     * The strategy with these options and parameters.
     *
     * @throws IllegalArgumentException if a parameter is out of its range, or a required one is missing (FedProx's
     *                                  {@code proximal_mu}; QFedAvg's centralized evaluation)
     */
    public Strategy create(StrategyOptions options, StrategyParameters p) {
        return switch (this) {
            case FED_AVG -> new FedAvg(options);
            case FED_AVG_M -> new FedAvgM(options, StrategyParameters.or(p.serverLearningRate(), 1.0),
                    StrategyParameters.or(p.serverMomentum(), 0.0));
            case FED_PROX -> {
                if (p.proximalMu() == null) {
                    throw new IllegalArgumentException("FedProx needs proximal_mu, the weight of the proximal term its"
                            + " clients add to their loss (Flower has no default for it)");
                }
                yield new FedProx(options, p.proximalMu());
            }
            case FED_ADAGRAD -> new FedAdagrad(options, fedOpt(FedAdagrad.defaults(), p));
            case FED_ADAM -> new FedAdam(options, fedOpt(FedAdam.defaults(), p));
            case FED_YOGI -> new FedYogi(options, fedOpt(FedYogi.defaults(), p));
            case FED_MEDIAN -> new FedMedian(options, p.storage());
            case FED_TRIMMED_AVG -> new FedTrimmedAvg(options, StrategyParameters.or(p.beta(), 0.2), p.storage());
            case KRUM -> new Krum(options, StrategyParameters.or(p.numMaliciousClients(), 0),
                    StrategyParameters.or(p.numClientsToKeep(), 0), p.storage());
            case BULYAN -> new Bulyan(options, StrategyParameters.or(p.numMaliciousClients(), 0), p.storage());
            case QFED_AVG -> new QFedAvg(options, StrategyParameters.or(p.qParam(), 0.2),
                    StrategyParameters.or(p.qfflLearningRate(), 0.1));
            case FAULT_TOLERANT_FED_AVG -> new FaultTolerantFedAvg(options,
                    StrategyParameters.or(p.minCompletionRateFit(), 0.5),
                    StrategyParameters.or(p.minCompletionRateEvaluate(), 0.5));
        };
    }

    /** The strategy with these options and every other parameter at its Flower default. */
    public Strategy create(StrategyOptions options) {
        return create(options, StrategyParameters.defaults());
    }

    private static FedOpt.Settings fedOpt(FedOpt.Settings defaults, StrategyParameters p) {
        return new FedOpt.Settings(StrategyParameters.or(p.eta(), defaults.eta()),
                StrategyParameters.or(p.etaL(), defaults.etaL()), StrategyParameters.or(p.beta1(), defaults.beta1()),
                StrategyParameters.or(p.beta2(), defaults.beta2()), StrategyParameters.or(p.tau(), defaults.tau()));
    }

    /** Every built-in strategy's Flower name, for messages. */
    public static String names() {
        return Arrays.stream(values()).map(BuiltInStrategy::flowerName).collect(Collectors.joining(", "));
    }
}
