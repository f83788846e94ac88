package io.fedlink.benchmarks;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import java.util.concurrent.CompletableFuture;

/** One connected client as a coordinator under test drives it: send an instruction, get the future of its reply. */
@FunctionalInterface
interface Peer {

    /** Sends without blocking; the future completes on a gRPC thread when the reply arrives. */
    CompletableFuture<ClientMessage> send(ServerMessage instruction);
}
