package io.fedlink.server;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The coordinator's end of one client's {@code Join} stream: what a {@link ClientProxy} sends its
 * instructions through. One instruction may be outstanding at a time.
 */
public interface ClientStream {

    /** Server-made unique id of this client (a UUID), stable for the life of the stream. */
    String id();

    /** Remote address as the transport saw it, for logs; not unique behind proxies. */
    String peer();

    /** When the stream opened. */
    Instant connectedAt();

    /** The identity an authentication interceptor attached to the call, if any. */
    Optional<String> identity();

    /** The reply timeout used when a call does not name its own. */
    Duration defaultReplyTimeout();

    /**
     * Sends one instruction and returns the future of its reply. Never blocks. The future fails with
     * {@link ClientBusyException} if an instruction is still outstanding, {@link ClientDisconnectedException}
     * if the stream is (or becomes) closed, {@link ClientReplyTimeoutException} after {@code timeout}, or
     * {@link UnexpectedReplyException} when the reply has the wrong case. Callbacks attached with
     * non-async methods may run on a gRPC or timer thread: keep them short or use the {@code *Async} forms.
     */
    CompletableFuture<ClientMessage> send(ServerMessage instruction, Duration timeout);

    /** Whether the stream is still open. */
    boolean isOpen();

    /** The case of the instruction awaiting a reply (for example {@code fit_ins}), if any. */
    Optional<String> instructionInFlight();

    /** Why the stream ended, once it has. */
    Optional<DisconnectReason> disconnectReason();

    /** Closes the stream from the coordinator's side; an outstanding instruction fails at once. */
    void close(String why);
}
