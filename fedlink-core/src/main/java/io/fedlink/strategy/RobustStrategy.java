package io.fedlink.strategy;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import io.fedlink.server.ClientFailure;
import io.fedlink.server.ClientProxy;
import io.fedlink.strategy.aggregate.UpdateStore;
import io.fedlink.strategy.aggregate.WeightedMetrics;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The base of the strategies whose aggregate needs every update at once (FedMedian, FedTrimmedAvg, Krum, Bulyan):
 * sampling and evaluation as FedAvg, updates kept in an {@link UpdateStore} (on the heap up to a budget, then in a
 * memory-mapped temporary file, deleted when the round ends whatever happens), the aggregate computed chunk by chunk.
 */
public abstract class RobustStrategy extends FedAvg {

    private final UpdateStore.Settings storage;

    protected RobustStrategy(StrategyOptions options, UpdateStore.Settings storage) {
        super(options);
        this.storage = Objects.requireNonNull(storage, "storage");
    }

    /** Where and past which heap budget this strategy's rounds keep their updates. */
    public UpdateStore.Settings storage() {
        return storage;
    }

    /**
     * The round's new model from every accepted update (at least one).
     *
     * @throws IllegalArgumentException if the updates do not allow this aggregate (the round then makes no model)
     */
    protected abstract Parameters reduce(UpdateStore updates);

    @Override
    public FitAggregator fitAggregator(int round, Parameters parameters) {
        return new StoringAggregator(new UpdateStore(parameters, storage));
    }

    private final class StoringAggregator implements FitAggregator {
        private final UpdateStore updates;
        private final WeightedMetrics metrics = new WeightedMetrics();

        StoringAggregator(UpdateStore updates) {
            this.updates = updates;
        }

        @Override
        public void add(ClientProxy client, ClientMessage.FitRes result) {
            updates.add(client.id(), result.getParameters(), result.getNumExamples());
            metrics.add(result.getMetricsMap(), result.getNumExamples());
        }

        @Override
        public FitAggregate result(List<ClientFailure> failures) {
            if (updates.size() == 0) {
                return FitAggregate.rejected("no client returned a usable fit result", metrics.averages());
            }
            Optional<String> refused = refuseRound(updates.size(), failures);
            if (refused.isPresent()) {
                return FitAggregate.rejected(refused.get(), metrics.averages());
            }
            try {
                return FitAggregate.of(reduce(updates), metrics.averages());
            } catch (IllegalArgumentException e) {
                return FitAggregate.rejected(e.getMessage(), metrics.averages());
            }
        }

        @Override
        public void close() {
            updates.close();
        }
    }
}
