package io.fedlink.strategy;

import io.fedlink.proto.Parameters;
import io.fedlink.strategy.aggregate.Robust;
import io.fedlink.strategy.aggregate.UpdateStore;

/**
 * Federated median (Flower's {@code FedMedian}, Yin et al. 2018): the new model is the coordinate-wise median of the
 * clients' models, unweighted. Robust to a minority of arbitrary updates.
 */
public class FedMedian extends RobustStrategy {

    public FedMedian(StrategyOptions options) {
        this(options, UpdateStore.Settings.defaults());
    }

    public FedMedian(StrategyOptions options, UpdateStore.Settings storage) {
        super(options, storage);
    }

    @Override
    protected Parameters reduce(UpdateStore updates) {
        return Robust.median(updates);
    }
}
