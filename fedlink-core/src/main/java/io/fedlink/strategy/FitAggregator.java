package io.fedlink.strategy;

import io.fedlink.proto.ClientMessage;
import io.fedlink.server.ClientFailure;
import io.fedlink.server.ClientProxy;
import java.util.List;

/**
 * Folds one round's fit results into the new global model as they arrive. Fed from one thread, one reply at a
 * time, never concurrently; {@link #result} is called once, after the last reply or failure; {@link #close} always
 * follows, also when the round fails or is cut short, and must release what the aggregator holds (spill files).
 */
public interface FitAggregator extends AutoCloseable {

    /**
     * Folds in one client's accepted {@code fit_res} (its in-band status is {@code OK}).
     *
     * <p><b>The update's tensors are valid only until this method returns:</b> a large reply is read in place from the
     * transport's received buffers, which go back as soon as it returns or throws (see
     * {@link io.fedlink.coordinator.ReplyHandler}). Fold what you need from them (as {@link
     * io.fedlink.strategy.aggregate.WeightedMean} does, straight from the {@code .npy} bytes) or copy it.
     *
     * @throws io.fedlink.server.ClientUpdateRejectedException if the update cannot be used (wrong layout,
     *         non-positive or overflowing {@code num_examples}, ...): that client's failure; nothing of it is kept
     */
    void add(ClientProxy client, ClientMessage.FitRes result);

    /**
     * The round's outcome once every client answered or failed.
     *
     * @param failures the round's fit failures (timeouts, disconnects, non-OK status, rejected updates), which
     *                 strategies such as Flower's {@code accept_failures=False} or FaultTolerantFedAvg look at
     */
    FitAggregate result(List<ClientFailure> failures);

    /** Releases what the aggregator holds; idempotent. */
    @Override
    default void close() {
    }
}
