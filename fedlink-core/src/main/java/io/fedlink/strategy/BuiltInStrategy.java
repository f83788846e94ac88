package io.fedlink.strategy;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The strategies fedlink ships, under Flower's names, so that configuration can pick one by name
 * ({@code fedlink.server.strategy.name: FedAdam}).
 */
public enum BuiltInStrategy {

    /** Flower's {@code FedAvg}: the mean of the clients' models weighted by {@code num_examples}. */
    FED_AVG("FedAvg");

    private final String flowerName;

    BuiltInStrategy(String flowerName) {
        this.flowerName = flowerName;
    }

    /** The name of the Flower class this strategy reproduces. */
    public String flowerName() {
        return flowerName;
    }

    /** Options with this strategy's Flower defaults (they differ for a few strategies). */
    public StrategyOptions.Builder defaultOptions() {
        return StrategyOptions.builder();
    }

    /** The strategy with these options. */
    public Strategy create(StrategyOptions options) {
        return switch (this) {
            case FED_AVG -> new FedAvg(options);
        };
    }

    /** Every built-in strategy's Flower name, for messages. */
    public static String names() {
        return Arrays.stream(values()).map(BuiltInStrategy::flowerName).collect(Collectors.joining(", "));
    }
}
