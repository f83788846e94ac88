package io.fedlink.autoconfigure;

import io.fedlink.strategy.BuiltInStrategy;
import io.fedlink.strategy.StrategyOptions;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The built-in strategy the coordinator trains with, under {@code fedlink.server.strategy}, with Flower's parameter
 * names. Unset values take the strategy's Flower default. A {@link io.fedlink.strategy.Strategy} bean of the
 * application replaces the built-in one and these settings.
 */
@ConfigurationProperties("fedlink.server.strategy")
public class FedlinkStrategyProperties implements InitializingBean {

    /** Which built-in strategy decides each round, by its Flower name (FedAvg, ...). */
    private BuiltInStrategy name = BuiltInStrategy.FED_AVG;

    /** Share of the connected clients sampled for each round's fit (Flower's fraction_fit; default 1.0). */
    private Double fractionFit;

    /** Share of the connected clients sampled for evaluation; 0 turns federated evaluation off (default 1.0). */
    private Double fractionEvaluate;

    /** Fewest clients a round's fit samples (Flower's min_fit_clients; default 2, or min-available-clients if lower). */
    private Integer minFitClients;

    /** Fewest clients an evaluation samples (default 2, or min-available-clients if lower). */
    private Integer minEvaluateClients;

    /** How many clients must be connected before a round samples (default fedlink.server.quorum.min-clients). */
    private Integer minAvailableClients;

    /** Whether a round in which some clients failed still aggregates the others (Flower's accept_failures). */
    private boolean acceptFailures = true;

    public BuiltInStrategy getName() {
        return name;
    }

    public void setName(BuiltInStrategy name) {
        this.name = name;
    }

    public Double getFractionFit() {
        return fractionFit;
    }

    public void setFractionFit(Double fractionFit) {
        this.fractionFit = fractionFit;
    }

    public Double getFractionEvaluate() {
        return fractionEvaluate;
    }

    public void setFractionEvaluate(Double fractionEvaluate) {
        this.fractionEvaluate = fractionEvaluate;
    }

    public Integer getMinFitClients() {
        return minFitClients;
    }

    public void setMinFitClients(Integer minFitClients) {
        this.minFitClients = minFitClients;
    }

    public Integer getMinEvaluateClients() {
        return minEvaluateClients;
    }

    public void setMinEvaluateClients(Integer minEvaluateClients) {
        this.minEvaluateClients = minEvaluateClients;
    }

    public Integer getMinAvailableClients() {
        return minAvailableClients;
    }

    public void setMinAvailableClients(Integer minAvailableClients) {
        this.minAvailableClients = minAvailableClients;
    }

    public boolean isAcceptFailures() {
        return acceptFailures;
    }

    public void setAcceptFailures(boolean acceptFailures) {
        this.acceptFailures = acceptFailures;
    }

    /**
     * The strategy's options from these settings: unset values take the strategy's Flower default, except
     * {@code min-available-clients}, which defaults to the quorum ({@code quorumMinClients}), and the sampling
     * minimums, which do not exceed it.
     */
    StrategyOptions.Builder options(int quorumMinClients) {
        StrategyOptions.Builder options = name.defaultOptions();
        StrategyOptions defaults = options.build();
        int available = minAvailableClients != null ? minAvailableClients : quorumMinClients;
        options.minAvailableClients(available)
                .minFitClients(minFitClients != null ? minFitClients : Math.min(defaults.minFitClients(), available))
                .minEvaluateClients(minEvaluateClients != null ? minEvaluateClients
                        : Math.min(defaults.minEvaluateClients(), available))
                .acceptFailures(acceptFailures);
        if (fractionFit != null) {
            options.fractionFit(fractionFit);
        }
        if (fractionEvaluate != null) {
            options.fractionEvaluate(fractionEvaluate);
        }
        return options;
    }

    /** Checks the bound values once, so a wrong one fails start-up naming its key. */
    @Override
    public void afterPropertiesSet() {
        if (name == null) {
            throw new InvalidConfigurationPropertyValueException("fedlink.server.strategy.name", null,
                    "must name a built-in strategy: " + BuiltInStrategy.names());
        }
        Validation.fraction("fedlink.server.strategy.fraction-fit", fractionFit);
        Validation.fraction("fedlink.server.strategy.fraction-evaluate", fractionEvaluate);
        Validation.atLeast("fedlink.server.strategy.min-fit-clients", minFitClients, 1);
        Validation.atLeast("fedlink.server.strategy.min-evaluate-clients", minEvaluateClients, 1);
        Validation.atLeast("fedlink.server.strategy.min-available-clients", minAvailableClients, 1);
        if (minAvailableClients != null) {
            requireAtMostAvailable("fedlink.server.strategy.min-fit-clients", minFitClients);
            requireAtMostAvailable("fedlink.server.strategy.min-evaluate-clients", minEvaluateClients);
        }
    }

    private void requireAtMostAvailable(String key, Integer value) {
        if (value != null && value > minAvailableClients) {
            throw new InvalidConfigurationPropertyValueException(key, value, "must not exceed"
                    + " fedlink.server.strategy.min-available-clients (" + minAvailableClients + "): a round would start"
                    + " with fewer clients connected than it samples");
        }
    }
}
