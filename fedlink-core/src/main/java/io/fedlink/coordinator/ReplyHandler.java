package io.fedlink.coordinator;

import io.fedlink.proto.ClientMessage;
import io.fedlink.server.ClientProxy;

/**
 * Receives each successful reply of a streaming {@link FanOut} as it arrives. Called on the thread that called
 * {@link FanOut#stream}, one reply at a time (never concurrently, never on a gRPC thread), so an aggregator
 * needs no locking. Throwing a {@link RuntimeException} turns that reply into a {@link ClientFailure}
 * carrying the exception (throw {@link ClientUpdateRejectedException} to say why).
 *
 * <p><b>A model-sized reply is valid only until {@code onReply} returns.</b> Its tensors are read straight from the
 * transport's received buffers (see {@link io.fedlink.wire.ModelTransfer#ZERO_COPY}), which go back to the transport
 * as soon as the handler returns or throws; fold what you need (as FedAvg folds each update into its sums) or copy it
 * ({@code ByteString.copyFrom(tensor.toByteArray())}, {@link io.fedlink.wire.InPlaceParser#copyOnHeap}) before
 * returning. Everything else in a reply is the handler's to keep.
 */
@FunctionalInterface
public interface ReplyHandler {

    /** Handles one reply whose case matched the instruction and whose in-band status is {@code OK}. */
    void onReply(ClientProxy client, ClientMessage reply);
}
