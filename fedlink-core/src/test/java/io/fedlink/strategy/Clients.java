package io.fedlink.strategy;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.ClientStream;
import io.fedlink.server.DefaultClientProxy;
import io.fedlink.server.DisconnectReason;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Client handles for strategy tests: a strategy only reads a client's id; nothing is ever sent to these. */
final class Clients {

    private Clients() {
    }

    static ClientProxy named(String id) {
        return new DefaultClientProxy(new ClientStream() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public String peer() {
                return "test:" + id;
            }

            @Override
            public Instant connectedAt() {
                return Instant.EPOCH;
            }

            @Override
            public Optional<String> identity() {
                return Optional.empty();
            }

            @Override
            public Duration defaultReplyTimeout() {
                return Duration.ofSeconds(1);
            }

            @Override
            public CompletableFuture<ClientMessage> send(ServerMessage instruction, Duration timeout) {
                throw new UnsupportedOperationException("strategy tests send nothing");
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public Optional<String> instructionInFlight() {
                return Optional.empty();
            }

            @Override
            public Optional<DisconnectReason> disconnectReason() {
                return Optional.empty();
            }

            @Override
            public void close(String why) {
            }
        });
    }
}
