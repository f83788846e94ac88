package io.fedlink.server;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
     *
     * <p>Under the coordinator's {@link FlowControl}, the instruction may wait for room in the send budget before it
     * is written; {@code timeout} counts from when it has gone out to the network (and, for a large reply, from when
     * the stream may receive it), so neither wait counts against the client. A client that does not take its
     * instruction within {@code timeout} (a stalled link) is dropped.
     */
    CompletableFuture<ClientMessage> send(ServerMessage instruction, Duration timeout);

    /**
     * As {@link #send(ServerMessage, Duration)}, for a caller that handles the reply after the future completes (a
     * fan-out that folds each update into an aggregate): a large reply keeps the coordinator's receive permit (see
     * {@link FlowControl}) until {@code handled} completes, so that the next large reply is not received while this
     * one still waits to be handled. Complete {@code handled} in every case, also when the call fails. With the
     * two-argument form the permit goes back as soon as the future completes.
     */
    default CompletableFuture<ClientMessage> send(ServerMessage instruction, Duration timeout,
                                                  CompletionStage<?> handled) {
        return send(instruction, timeout);
    }

    /** Whether the stream is still open. */
    boolean isOpen();

    /** The case of the instruction awaiting a reply (for example {@code fit_ins}), if any. */
    Optional<String> instructionInFlight();

    /** Why the stream ended, once it has. */
    Optional<DisconnectReason> disconnectReason();

    /** Closes the stream from the coordinator's side; an outstanding instruction fails at once. */
    void close(String why);
}
