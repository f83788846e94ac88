package io.fedlink.strategy;

import io.fedlink.proto.Parameters;
import io.fedlink.strategy.aggregate.Robust;
import io.fedlink.strategy.aggregate.UpdateStore;

/**
 * Bulyan (Flower's {@code Bulyan} with its default first rule, Krum; El Mhamdi et al. 2018): {@code n - 2f} updates
 * are chosen one after the other by Krum, then each coordinate of the new model is the mean of the {@code n - 4f}
 * chosen values closest to their median ({@code f} = {@code num_malicious_clients}). A round with fewer than
 * {@code 4f + 3} updates makes no model.
 */
public class Bulyan extends RobustStrategy {

    private final int numMaliciousClients;

    /** Bulyan with Flower's default: no malicious clients assumed. */
    public Bulyan(StrategyOptions options) {
        this(options, 0, UpdateStore.Settings.defaults());
    }

    /**
     * @throws IllegalArgumentException if {@code numMaliciousClients} is negative
     */
    public Bulyan(StrategyOptions options, int numMaliciousClients, UpdateStore.Settings storage) {
        super(options, storage);
        if (numMaliciousClients < 0) {
            throw new IllegalArgumentException("numMaliciousClients must not be negative, was " + numMaliciousClients);
        }
        this.numMaliciousClients = numMaliciousClients;
    }

    @Override
    protected Parameters reduce(UpdateStore updates) {
        return Robust.bulyan(updates, numMaliciousClients);
    }

    @Override
    public String toString() {
        return "Bulyan(accept_failures=" + options.acceptFailures() + ", num_malicious_clients=" + numMaliciousClients + ")";
    }
}
