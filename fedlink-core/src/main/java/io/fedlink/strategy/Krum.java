package io.fedlink.strategy;

import io.fedlink.proto.Parameters;
import io.fedlink.strategy.aggregate.Robust;
import io.fedlink.strategy.aggregate.UpdateStore;

/**
 * Krum and multi-Krum (Flower's {@code Krum}, Blanchard et al. 2017): each update is scored by the sum of its squared
 * distances to its {@code n - num_malicious_clients - 2} nearest others; the new model is the update with the lowest
 * score, or with {@code num_clients_to_keep > 0} the weighted mean of that many lowest-scored updates.
 */
public class Krum extends RobustStrategy {

    private final int numMaliciousClients;
    private final int numClientsToKeep;

    /** Krum with Flower's defaults: no malicious clients assumed, plain Krum. */
    public Krum(StrategyOptions options) {
        this(options, 0, 0, UpdateStore.Settings.defaults());
    }

    /**
     * @throws IllegalArgumentException if a count is negative
     */
    public Krum(StrategyOptions options, int numMaliciousClients, int numClientsToKeep, UpdateStore.Settings storage) {
        super(options, storage);
        if (numMaliciousClients < 0 || numClientsToKeep < 0) {
            throw new IllegalArgumentException("numMaliciousClients and numClientsToKeep must not be negative, were "
                    + numMaliciousClients + " and " + numClientsToKeep);
        }
        this.numMaliciousClients = numMaliciousClients;
        this.numClientsToKeep = numClientsToKeep;
    }

    @Override
    protected Parameters reduce(UpdateStore updates) {
        return Robust.krum(updates, numMaliciousClients, numClientsToKeep);
    }

    @Override
    public String toString() {
        return "Krum(accept_failures=" + options.acceptFailures() + ", num_malicious_clients=" + numMaliciousClients
                + ", num_clients_to_keep=" + numClientsToKeep + ")";
    }
}
