package io.fedlink.benchmarks;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** One connected client as a coordinator under test drives it: send an instruction, get the future of its reply. */
@FunctionalInterface
interface Peer {

    /**
     * Sends without blocking; the future completes on a gRPC thread when the reply arrives. The caller completes
     * {@code handled} once it is done with the reply, in every case: a coordinator that reads a large reply in place
     * (fedlink's) keeps its buffers until then.
     */
    CompletableFuture<ClientMessage> send(ServerMessage instruction, CompletionStage<?> handled);
}
