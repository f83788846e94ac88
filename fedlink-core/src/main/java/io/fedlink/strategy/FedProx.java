package io.fedlink.strategy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Federated optimization with a proximal term (Flower's {@code FedProx}, Li et al. 2020): the server aggregates as
 * FedAvg and sends {@code proximal_mu} in every {@code fit_ins} config; each client adds
 * {@code proximal_mu / 2 * ||w - w_global||²} to its local loss. {@code proximal_mu} has no default (Flower requires
 * it).
 */
public class FedProx extends FedAvg {

    /** The config key clients read μ from, as Flower sends it. */
    public static final String PROXIMAL_MU = "proximal_mu";

    private final double proximalMu;

    /**
     * @throws IllegalArgumentException if {@code proximalMu} is negative
     */
    public FedProx(StrategyOptions options, double proximalMu) {
        super(options);
        if (!(proximalMu >= 0)) {
            throw new IllegalArgumentException("proximalMu must not be negative, was " + proximalMu);
        }
        this.proximalMu = proximalMu;
    }

    @Override
    protected Map<String, ?> fitConfig(int round) {
        Map<String, Object> config = new LinkedHashMap<>(super.fitConfig(round));
        config.put(PROXIMAL_MU, proximalMu);
        return config;
    }

    @Override
    public String toString() {
        return "FedProx(accept_failures=" + options.acceptFailures() + ", proximal_mu=" + proximalMu + ")";
    }
}
