package io.fedlink.test;

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

/**
 * Client handles with an id and no stream: what a {@code Strategy}'s aggregator sees of a client, for feeding one
 * replies directly (strategy tests, aggregation benchmarks) without a coordinator. Sending an instruction through one
 * fails.
 *
 * <pre>{@code
 * try (FitAggregator aggregator = strategy.fitAggregator(1, model)) {
 *     aggregator.add(DetachedClients.named("a"), fitRes);
 * }
 * }</pre>
 */
public final class DetachedClients {

    private DetachedClients() {
    }

    /** A handle on a client with this id. */
    public static ClientProxy named(String id) {
        return new DefaultClientProxy(new DetachedStream(id));
    }

    private record DetachedStream(String id) implements ClientStream {

        @Override
        public String peer() {
            return "detached:" + id;
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
            throw new UnsupportedOperationException("client " + id + " is detached: it has no stream to send on");
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
    }
}
