package io.fedlink.strategy;

import io.fedlink.proto.ClientMessage;
import io.fedlink.server.ClientFailure;
import io.fedlink.server.ClientProxy;
import java.util.List;

/**
 * Folds one round's evaluation results in as they arrive; same threading and life cycle as {@link FitAggregator}.
 */
public interface EvaluateAggregator extends AutoCloseable {

    /**
     * Folds in one client's accepted {@code evaluate_res}.
     *
     * @throws io.fedlink.server.ClientUpdateRejectedException if the result cannot be used; that client's failure
     */
    void add(ClientProxy client, ClientMessage.EvaluateRes result);

    /** The aggregated loss and metrics once every client answered or failed. */
    Evaluation result(List<ClientFailure> failures);

    /** Releases what the aggregator holds; idempotent. */
    @Override
    default void close() {
    }
}
