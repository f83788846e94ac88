package io.fedlink.coordinator;

import io.fedlink.proto.ClientMessage;
import io.fedlink.server.ClientProxy;

/**
 * Receives each successful reply of a streaming {@link FanOut} as it arrives. Called on the thread that called
 * {@link FanOut#stream}, one reply at a time (never concurrently, never on a gRPC thread), so an aggregator
 * needs no locking. Throwing a {@link RuntimeException} turns that reply into a {@link ClientFailure}
 * carrying the exception (throw {@link ClientUpdateRejectedException} to say why).
 */
@FunctionalInterface
public interface ReplyHandler {

    /** Handles one reply whose case matched the instruction and whose in-band status is {@code OK}. */
    void onReply(ClientProxy client, ClientMessage reply);
}
