package io.fedlink.server;

import io.fedlink.Setting;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import io.fedlink.wire.Instructions;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-stream state machine behind a {@link ClientStream}: idle; sending (waiting for the shared send budget, then
 * for the transport to take the instruction); awaiting the reply (for a large one, first a receive permit); awaiting a
 * late reply (after a timeout under {@link TimeoutPolicy#KEEP}); closed. Every transition happens under one lock, and
 * every deadline is checked against the exchange it was set for; closing fails or acknowledges the outstanding
 * instruction so no waiter is left hanging. Futures are completed, listeners told, and shared budgets released
 * outside the lock.
 *
 * <p>The stream reads from its client only while it expects a reply (manual inbound flow control, as a Flower
 * server reads): a message a client sends unasked waits in HTTP/2 flow control and is read as the reply to the next
 * instruction.
 */
final class StreamBridge implements ClientStream {

    private static final Logger log = LoggerFactory.getLogger(StreamBridge.class);
    private static final Runnable NOTHING = () -> { };

    private enum State { IDLE, SENDING, AWAITING_REPLY, AWAITING_LATE_REPLY, CLOSED }

    private final String id;
    private final String peer;
    private final String identity;
    private final Integer clientMaxMessageSize;
    private final Instant connectedAt = Instant.now();
    private final ServerCallStreamObserver<ServerMessage> responses;
    private final StreamResources shared;
    private final Object lock = new Object();
    private volatile Consumer<DisconnectReason> onClose = reason -> { };

    private State state = State.IDLE;
    private Exchange exchange;
    private boolean receivedAny;
    private DisconnectReason disconnectReason;

    StreamBridge(String id, String peer, String identity, Integer clientMaxMessageSize,
                 ServerCallStreamObserver<ServerMessage> responses, StreamResources shared) {
        this.id = id;
        this.peer = peer;
        this.identity = identity;
        this.clientMaxMessageSize = clientMaxMessageSize;
        this.responses = responses;
        this.shared = shared;
    }

    /** Called once, after the stream ends for any reason (the servicer unregisters the client here). */
    void onClose(Consumer<DisconnectReason> callback) {
        this.onClose = callback;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String peer() {
        return peer;
    }

    @Override
    public Instant connectedAt() {
        return connectedAt;
    }

    @Override
    public Optional<String> identity() {
        return Optional.ofNullable(identity);
    }

    @Override
    public Duration defaultReplyTimeout() {
        return shared.settings().replyTimeout();
    }

    @Override
    public boolean isOpen() {
        synchronized (lock) {
            return state != State.CLOSED;
        }
    }

    @Override
    public Optional<String> instructionInFlight() {
        synchronized (lock) {
            return switch (state) {
                case SENDING -> Optional.of(exchange.name() + (exchange.written() ? "" : " (queued for sending)"));
                case AWAITING_REPLY -> Optional.of(exchange.name());
                case AWAITING_LATE_REPLY -> Optional.of(exchange.name() + " (timed out, awaiting late reply)");
                case IDLE, CLOSED -> Optional.empty();
            };
        }
    }

    @Override
    public Optional<DisconnectReason> disconnectReason() {
        synchronized (lock) {
            return Optional.ofNullable(disconnectReason);
        }
    }

    @Override
    public CompletableFuture<ClientMessage> send(ServerMessage instruction, Duration timeout) {
        return send(instruction, timeout, null);
    }

    @Override
    public CompletableFuture<ClientMessage> send(ServerMessage instruction, Duration timeout, CompletionStage<?> handled) {
        Objects.requireNonNull(instruction, "instruction");
        Objects.requireNonNull(timeout, "timeout");
        Exchange admitted = null;
        RuntimeException refused = Exchange.refusal(this, instruction, timeout);
        if (refused == null) {
            Exchange candidate = new Exchange(instruction, shared.marshalledSize().applyAsInt(instruction), timeout, handled);
            refused = candidate.tooLargeFor(this, clientMaxMessageSize, names(Setting.CLIENT_MAX_MESSAGE_SIZE));
            if (refused == null) {
                refused = admit(candidate);
                admitted = refused == null ? candidate : null;
            }
        }
        Exchange sent = admitted;
        CompletableFuture<ClientMessage> reply = sent != null ? sent.reply : CompletableFuture.failedFuture(refused);
        CompletableFuture<ClientMessage> recorded = shared.reporter().watch(this, instruction.getMsgCase(), reply,
                () -> sent != null && sent.written() ? sent.size : 0);
        if (sent != null) {
            shared.sendBudget().acquire(sent.size, () -> write(sent));
        }
        return recorded;
    }

    /** Makes {@code candidate} this stream's outstanding instruction, or says why it cannot be. */
    private RuntimeException admit(Exchange candidate) {
        synchronized (lock) {
            return switch (state) {
                case CLOSED -> new ClientDisconnectedException(id, "Client " + id + " (" + peer + ") is disconnected ("
                        + disconnectReason + "); cannot send " + candidate.name(), null);
                case SENDING, AWAITING_REPLY -> new ClientBusyException(id, "Client " + id + " still has "
                        + exchange.name() + " outstanding; cannot send " + candidate.name() + " until it replies");
                case AWAITING_LATE_REPLY -> new ClientBusyException(id, "Client " + id + " has not yet sent its late"
                        + " reply to " + exchange.name() + " (timed out, kept because " + names(Setting.TIMEOUT_POLICY)
                        + " is keep); cannot send " + candidate.name() + " before it arrives");
                case IDLE -> {
                    exchange = candidate;
                    state = State.SENDING;
                    yield null;
                }
            };
        }
    }

    /**
     * The send budget has room for {@code sent}: writes it to the stream (on the thread that freed the room).
     *
     * @return whether it was written; {@code false} if the stream closed while it waited (the bytes go back)
     */
    private boolean write(Exchange sent) {
        Runnable after;
        String failed = null;
        Throwable cause = null;
        synchronized (lock) {
            if (exchange != sent || state != State.SENDING) {
                return false;
            }
            ServerMessage message = sent.takeForWriting();
            try {
                responses.onNext(message);
            } catch (RuntimeException | OutOfMemoryError e) {
                // An OutOfDirectMemoryError from the transport's allocator fails this client, not the training.
                cause = e;
                failed = "Could not send " + sent.name() + " of " + sent.size + " bytes to client " + id + " (" + peer
                        + "): " + e + (e instanceof OutOfMemoryError ? "; the coordinator is out of direct memory:"
                        + " lower " + names(Setting.SEND_BUDGET) + " or raise -XX:MaxDirectMemorySize" : "");
            }
            if (failed == null) {
                sent.startDeadline(shared, () -> onDeadline(sent));
                after = goneOutIfReady(sent);
            } else {
                after = closeLocked(DisconnectReason.SEND_FAILED, Status.UNAVAILABLE.withDescription(failed),
                        new ClientDisconnectedException(id, failed, cause));
            }
        }
        if (failed != null) {
            log.warn(failed);
        }
        after.run();
        return true;
    }

    /** The transport may take more (gRPC thread): the written instruction has gone out if the stream is ready. */
    void onReady() {
        if (Thread.holdsLock(lock)) {
            return; // called from inside our own write: the writer looks at readiness itself right after
        }
        Runnable after;
        synchronized (lock) {
            after = exchange == null ? NOTHING : goneOutIfReady(exchange);
        }
        after.run();
    }

    /** Under the lock: once the transport has taken {@code sent}, frees its budget and starts waiting for the reply. */
    private Runnable goneOutIfReady(Exchange sent) {
        if (exchange != sent || state != State.SENDING || !sent.written() || !responses.isReady()) {
            return NOTHING;
        }
        sent.cancelDeadline();
        sent.goneOut();
        state = State.AWAITING_REPLY;
        Runnable receive = sent.largeReply ? () -> shared.receivePermits().acquire(1, () -> startReceiving(sent))
                : receiveLocked(sent);
        return () -> {
            shared.sendBudget().release(sent.size);
            receive.run();
        };
    }

    /**
     * A receive permit is free for {@code sent}'s large reply.
     *
     * @return whether it was taken; {@code false} if the stream closed meanwhile (the permit passes on)
     */
    private boolean startReceiving(Exchange sent) {
        Runnable receive;
        synchronized (lock) {
            if (exchange != sent || state != State.AWAITING_REPLY) {
                return false;
            }
            sent.permitTaken();
            receive = receiveLocked(sent);
        }
        receive.run();
        return true;
    }

    /** Under the lock: starts the reply deadline; the returned action asks gRPC for the reply. */
    private Runnable receiveLocked(Exchange sent) {
        sent.startDeadline(shared, () -> onDeadline(sent));
        return () -> responses.request(1);
    }

    /** A message arrived from the client (gRPC thread). Pairs it with the outstanding instruction. */
    void onClientMessage(ClientMessage message) {
        ClientMessage.MsgCase kind = message.getMsgCase();
        Exchange answered = null;
        RuntimeException failure = null;
        String protocolError = null;
        Runnable after = NOTHING;
        synchronized (lock) {
            boolean first = !receivedAny;
            receivedAny = true;
            switch (state) {
                case CLOSED -> log.debug("Ignoring {} from closed client {}", Instructions.name(kind), id);
                case IDLE, SENDING -> {
                    // Not asked for: reads are requested only while a reply is expected. Kept as a guard.
                    if (kind == ClientMessage.MsgCase.MSG_NOT_SET && first) {
                        log.debug("Client {} passed the initiative to the server (empty hand-shake message)", id);
                    } else {
                        protocolError = "Client " + id + " (" + peer + ") sent " + Instructions.name(kind)
                                + " while no instruction was outstanding";
                    }
                }
                case AWAITING_LATE_REPLY -> {
                    Exchange late = exchange;
                    exchange = null;
                    state = State.IDLE;
                    late.cancelDeadline();
                    log.info("Discarding late {} from client {}: its {} had already timed out", Instructions.name(kind),
                            id, late.name());
                    after = late.releaseHeld(shared);
                }
                case AWAITING_REPLY -> {
                    if (kind == ClientMessage.MsgCase.MSG_NOT_SET && first) {
                        // A seed-style hand-shake, read before the reply: absorbed, and the reply is asked for again.
                        log.debug("Client {} sent its hand-shake before its first reply; absorbed", id);
                        after = () -> responses.request(1);
                    } else {
                        answered = exchange;
                        exchange = null;
                        state = State.IDLE;
                        answered.cancelDeadline();
                        ClientMessage.MsgCase expected = Instructions.expectedReply(answered.instruction);
                        if (kind != expected) {
                            failure = new UnexpectedReplyException(id, "Client " + id + " (" + peer + ") answered "
                                    + answered.name() + " with " + Instructions.name(kind) + "; expected "
                                    + Instructions.name(expected));
                        } else if (kind == ClientMessage.MsgCase.DISCONNECT_RES) {
                            // Close (and unregister) before waking the caller: reconnect() returns with the client gone.
                            after = closeLocked(DisconnectReason.RECONNECT, Status.OK, null);
                        }
                    }
                }
            }
        }
        if (protocolError != null) {
            log.warn("{}; closing its stream", protocolError);
            terminate(DisconnectReason.PROTOCOL_ERROR, Status.INVALID_ARGUMENT.withDescription(protocolError), null);
            return;
        }
        after.run();
        if (answered != null) {
            if (failure != null) {
                log.warn(failure.getMessage());
                answered.reply.completeExceptionally(failure);
            } else {
                answered.reply.complete(message);
            }
            answered.releasePermitOnceHandled(shared);
        }
    }

    /**
     * {@code sent}'s deadline passed (timer thread). What it bounded depends on the state: the transport taking the
     * instruction (a stalled link: dropped), the reply (dropped or kept, by policy), or a kept client's late reply
     * (dropped). A deadline of an exchange that has moved on does nothing.
     */
    private void onDeadline(Exchange sent) {
        String what;
        String outcome;
        Runnable after;
        synchronized (lock) {
            if (exchange != sent) {
                return;
            }
            String client = "Client " + id + " (" + peer + ")";
            switch (state) {
                case SENDING -> {
                    what = client + " did not take its " + sent.name() + " of " + sent.size + " bytes within "
                            + sent.timeout + " (its link is stalled or too slow)";
                    outcome = "dropping it";
                    after = drop(what, new ClientReplyTimeoutException(id, what, sent.timeout));
                }
                case AWAITING_REPLY -> {
                    what = client + " did not reply to " + sent.name() + " within " + sent.timeout;
                    ClientReplyTimeoutException timeout = new ClientReplyTimeoutException(id, what, sent.timeout);
                    if (shared.settings().timeoutPolicy() == TimeoutPolicy.DROP) {
                        // Closed in the same critical section: nobody sees the instruction gone but the stream open.
                        outcome = "dropping it (" + names(Setting.TIMEOUT_POLICY) + " is drop)";
                        after = drop(what, timeout);
                    } else {
                        outcome = "keeping it until its late reply arrives, at most " + sent.timeout
                                + " more (" + names(Setting.TIMEOUT_POLICY) + " is keep)";
                        state = State.AWAITING_LATE_REPLY;
                        sent.startDeadline(shared, () -> onDeadline(sent));
                        after = () -> sent.reply.completeExceptionally(timeout);
                    }
                }
                case AWAITING_LATE_REPLY -> {
                    what = client + " did not send its late reply to " + sent.name() + " within " + sent.timeout
                            + " after it timed out (" + names(Setting.TIMEOUT_POLICY) + " is keep)";
                    outcome = "dropping it";
                    after = drop(what, null);
                }
                default -> {
                    return;
                }
            }
        }
        log.warn("{}; {}", what, outcome);
        after.run();
    }

    /** Under the lock: closes the stream for a missed deadline, failing the outstanding instruction with {@code failure}. */
    private Runnable drop(String what, RuntimeException failure) {
        return closeLocked(DisconnectReason.REPLY_TIMEOUT,
                Status.DEADLINE_EXCEEDED.withDescription(what + "; the coordinator dropped this client"), failure);
    }

    /**
     * Bytes that are not a {@code ClientMessage} arrived (gRPC thread): a protocol error that ends this stream with
     * INVALID_ARGUMENT and fails the outstanding instruction, if any, at once.
     *
     * @param problem what was wrong, starting with a verb: {@code "sent 12 bytes that are not a valid ..."}
     */
    void onMalformedMessage(String problem) {
        String protocolError = "Client " + id + " (" + peer + ") " + problem;
        log.warn("{}; closing its stream", protocolError);
        Runnable after;
        synchronized (lock) {
            Exchange orphan = exchange;
            after = closeLocked(DisconnectReason.PROTOCOL_ERROR, Status.INVALID_ARGUMENT.withDescription(protocolError),
                    orphan == null ? null : new ClientDisconnectedException(id, "Client " + id + " (" + peer
                            + ") disconnected (PROTOCOL_ERROR) while " + orphan.name() + " was outstanding: "
                            + protocolError, new UnexpectedReplyException(id, protocolError)));
        }
        after.run();
    }

    /**
     * The call was closed from the server's side (gRPC thread). Usually this bridge closed it and this does nothing;
     * if gRPC closed it by itself, after handling a message failed, the client is gone all the same.
     */
    void onCallClosed() {
        terminate(DisconnectReason.TRANSPORT_ERROR, null, null);
    }

    /** The client half-closed: we complete our side too. */
    void onClientCompleted() {
        terminate(DisconnectReason.CLIENT_COMPLETED, Status.OK, null);
    }

    /** The call was cancelled (client hang-up, connection lost, keepalive failure). */
    void onCancelled() {
        terminate(DisconnectReason.CANCELLED, null, null);
    }

    /** The transport failed the stream. */
    void onTransportError(Throwable error) {
        terminate(DisconnectReason.TRANSPORT_ERROR, null, null);
    }

    @Override
    public void close(String why) {
        terminate(DisconnectReason.SERVER_CLOSED, Status.UNAVAILABLE.withDescription(why), null);
    }

    /** Refuses the stream before it was ever registered. */
    void reject(Status status) {
        terminate(DisconnectReason.REJECTED, status, null);
    }

    /** Ends the stream once; later calls do nothing. See {@link #closeLocked}. */
    private void terminate(DisconnectReason why, Status toClient, RuntimeException orphanFailure) {
        Runnable after;
        synchronized (lock) {
            after = closeLocked(why, toClient, orphanFailure);
        }
        after.run();
    }

    /**
     * Under the lock: marks the stream closed and tells the client {@code toClient} ({@code null} when the stream is
     * already gone on the wire). The returned action, run after the lock, unregisters the client, gives back what the
     * outstanding instruction held and fails it with {@code orphanFailure} (or a "disconnected" error); a
     * {@code reconnect_ins} outstanding is acknowledged instead (stream rule 5).
     */
    private Runnable closeLocked(DisconnectReason why, Status toClient, RuntimeException orphanFailure) {
        if (state == State.CLOSED) {
            return NOTHING;
        }
        Exchange orphan = exchange;
        boolean wasLate = state == State.AWAITING_LATE_REPLY;
        state = State.CLOSED;
        exchange = null;
        DisconnectReason reason = why;
        boolean acknowledgesReconnect = orphan != null && orphan.instruction == ServerMessage.MsgCase.RECONNECT_INS
                && !wasLate && orphanFailure == null;
        if (acknowledgesReconnect && reason != DisconnectReason.SERVER_CLOSED) {
            reason = DisconnectReason.RECONNECT; // the client went away while ReconnectIns was outstanding
        }
        disconnectReason = reason;
        if (orphan != null) {
            orphan.cancelDeadline();
        }
        Runnable release = orphan == null ? NOTHING : orphan.releaseHeld(shared);
        if (toClient != null) {
            try {
                if (toClient.isOk()) {
                    responses.onCompleted();
                } else {
                    responses.onError(toClient.asRuntimeException());
                }
            } catch (RuntimeException e) {
                log.debug("Closing the stream of client {} failed; it is already gone", id, e);
            }
        }
        DisconnectReason closed = reason;
        return () -> {
            log.debug("Stream of client {} ({}) closed: {}", id, peer, closed);
            // Unregister before waking the waiter: whoever sees the call fail no longer finds the client registered.
            try {
                onClose.accept(closed);
            } catch (RuntimeException e) {
                log.warn("Unregistering client {} failed", id, e);
            }
            if (orphan == null) {
                return;
            }
            release.run();
            if (acknowledgesReconnect) {
                orphan.acknowledgeReconnect(); // stock Flower clients often hang up before their DisconnectRes gets through
            } else {
                orphan.reply.completeExceptionally(orphanFailure != null ? orphanFailure
                        : new ClientDisconnectedException(id, "Client " + id + " (" + peer + ") disconnected (" + closed
                        + ") while " + orphan.name() + " was outstanding", null));
            }
        };
    }

    /** How messages name {@code setting} ({@code fedlink.server.timeout-policy} under Spring Boot). */
    private String names(Setting setting) {
        return shared.settings().settingNames().of(setting);
    }

    @Override
    public String toString() {
        return "client " + id + " (" + peer + ")";
    }
}
