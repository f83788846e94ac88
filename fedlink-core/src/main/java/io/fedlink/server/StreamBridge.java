package io.fedlink.server;

import io.fedlink.MessageTooLargeException;
import io.fedlink.Setting;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Reason;
import io.fedlink.proto.ServerMessage;
import io.fedlink.wire.InBandStatus;
import io.fedlink.wire.Instructions;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-stream state machine behind a {@link ClientStream}: idle, awaiting a reply, awaiting a late
 * reply (after a timeout under {@link TimeoutPolicy#KEEP}), closed. Every transition happens under one
 * lock; closing fails or acknowledges the outstanding instruction so no waiter is left hanging.
 * Futures are completed outside the lock.
 */
final class StreamBridge implements ClientStream {

    private static final Logger log = LoggerFactory.getLogger(StreamBridge.class);

    private enum State { IDLE, AWAITING_REPLY, AWAITING_LATE_REPLY, CLOSED }

    private record Pending(ServerMessage.MsgCase instruction, CompletableFuture<ClientMessage> reply,
                           Duration timeout, ScheduledFuture<?> timer) {
    }

    private final String id;
    private final String peer;
    private final String identity;
    private final Integer clientMaxMessageSize;
    private final Instant connectedAt = Instant.now();
    private final StreamObserver<ServerMessage> responses;
    private final ScheduledExecutorService timer;
    private final StreamSettings settings;
    private final List<InstructionListener> instructionListeners;
    private final Object lock = new Object();
    private volatile Consumer<DisconnectReason> onClose = reason -> { };

    private State state = State.IDLE;
    private Pending pending;
    private ServerMessage.MsgCase lateInstruction;
    private boolean receivedAny;
    private DisconnectReason disconnectReason;

    StreamBridge(String id, String peer, String identity, Integer clientMaxMessageSize,
                 StreamObserver<ServerMessage> responses, ScheduledExecutorService timer, StreamSettings settings,
                 List<InstructionListener> instructionListeners) {
        this.instructionListeners = instructionListeners;
        this.id = id;
        this.clientMaxMessageSize = clientMaxMessageSize;
        this.peer = peer;
        this.identity = identity;
        this.responses = responses;
        this.timer = timer;
        this.settings = settings;
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
        return settings.replyTimeout();
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
            if (state == State.AWAITING_REPLY) {
                return Optional.of(Instructions.name(pending.instruction()));
            }
            if (state == State.AWAITING_LATE_REPLY) {
                return Optional.of(Instructions.name(lateInstruction) + " (timed out, awaiting late reply)");
            }
            return Optional.empty();
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
        CompletableFuture<ClientMessage> reply = sendInstruction(instruction, timeout);
        if (instructionListeners.isEmpty() || instruction == null) {
            return reply;
        }
        // The caller's future completes after the listeners ran, so a meter read right after a call returned or
        // threw already counts it. (Listeners attached to the caller's future itself could run after its waiter woke.)
        long started = System.nanoTime();
        String name = Instructions.name(instruction.getMsgCase());
        CompletableFuture<ClientMessage> recorded = new CompletableFuture<>();
        reply.whenComplete((message, failure) -> {
            notifyListeners(name, started, instruction, message, failure);
            if (failure == null) {
                recorded.complete(message);
            } else {
                recorded.completeExceptionally(failure);
            }
        });
        return recorded;
    }

    private void notifyListeners(String name, long started, ServerMessage instruction, ClientMessage message,
                                 Throwable failure) {
        InstructionListener.Outcome outcome;
        if (failure == null) {
            outcome = InBandStatus.isOk(message) ? InstructionListener.Outcome.OK : InstructionListener.Outcome.ERROR;
        } else if (failure instanceof ClientReplyTimeoutException) {
            outcome = InstructionListener.Outcome.TIMEOUT;
        } else if (failure instanceof ClientDisconnectedException) {
            outcome = InstructionListener.Outcome.DISCONNECTED;
        } else {
            outcome = InstructionListener.Outcome.ERROR;
        }
        Duration duration = Duration.ofNanos(System.nanoTime() - started);
        long received = message == null ? 0 : message.getSerializedSize();
        for (InstructionListener listener : instructionListeners) {
            try {
                listener.completed(this, name, outcome, duration, instruction.getSerializedSize(), received);
            } catch (RuntimeException e) {
                log.warn("Instruction listener {} failed", listener, e);
            }
        }
    }

    private CompletableFuture<ClientMessage> sendInstruction(ServerMessage instruction, Duration timeout) {
        Objects.requireNonNull(instruction, "instruction");
        Objects.requireNonNull(timeout, "timeout");
        ServerMessage.MsgCase kind = instruction.getMsgCase();
        if (kind == ServerMessage.MsgCase.MSG_NOT_SET) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "Cannot send an empty ServerMessage to client " + id + ": set one instruction (fit_ins, evaluate_ins, ...)"));
        }
        if (timeout.isNegative() || timeout.isZero()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "Reply timeout for " + Instructions.name(kind) + " to client " + id + " must be positive, was " + timeout));
        }
        if (clientMaxMessageSize != null && instruction.getSerializedSize() > clientMaxMessageSize) {
            return CompletableFuture.failedFuture(new MessageTooLargeException("Did not send " + Instructions.name(kind)
                    + " of " + instruction.getSerializedSize() + " bytes to client " + id + " (" + peer
                    + "): the client accepts at most " + clientMaxMessageSize
                    + " bytes; raise " + settings.settingNames().of(Setting.CLIENT_MAX_MESSAGE_SIZE) + " on the client",
                    instruction.getSerializedSize(),
                    clientMaxMessageSize));
        }
        CompletableFuture<ClientMessage> reply = new CompletableFuture<>();
        synchronized (lock) {
            switch (state) {
                case CLOSED -> {
                    return CompletableFuture.failedFuture(new ClientDisconnectedException(id,
                            "Client " + id + " (" + peer + ") is disconnected (" + disconnectReason + "); cannot send "
                                    + Instructions.name(kind), null));
                }
                case AWAITING_REPLY -> {
                    return CompletableFuture.failedFuture(new ClientBusyException(id,
                            "Client " + id + " still has " + Instructions.name(pending.instruction())
                                    + " outstanding; cannot send " + Instructions.name(kind) + " until it replies"));
                }
                case AWAITING_LATE_REPLY -> {
                    return CompletableFuture.failedFuture(new ClientBusyException(id,
                            "Client " + id + " has not yet sent its late reply to " + Instructions.name(lateInstruction)
                                    + " (timed out, kept because " + settings.settingNames().of(Setting.TIMEOUT_POLICY)
                                    + " is keep); cannot send "
                                    + Instructions.name(kind) + " before it arrives"));
                }
                case IDLE -> {
                    ScheduledFuture<?> task = timer.schedule(() -> onReplyTimeout(reply), timeout.toNanos(), TimeUnit.NANOSECONDS);
                    pending = new Pending(kind, reply, timeout, task);
                    state = State.AWAITING_REPLY;
                    try {
                        responses.onNext(instruction);
                    } catch (RuntimeException e) {
                        // The call was cancelled under us: the cancel handler will close the stream.
                        log.debug("Sending {} to client {} failed", Instructions.name(kind), id, e);
                    }
                }
            }
        }
        return reply;
    }

    /** A message arrived from the client (gRPC thread). Pairs it with the outstanding instruction. */
    void onClientMessage(ClientMessage message) {
        ClientMessage.MsgCase kind = message.getMsgCase();
        Pending answered = null;
        RuntimeException failure = null;
        boolean closeAfterReconnect = false;
        String protocolError = null;
        synchronized (lock) {
            boolean first = !receivedAny;
            receivedAny = true;
            switch (state) {
                case CLOSED -> log.debug("Ignoring {} from closed client {}", Instructions.name(kind), id);
                case IDLE -> {
                    if (kind == ClientMessage.MsgCase.MSG_NOT_SET) {
                        log.debug("Client {} passed the initiative to the server (empty hand-shake message)", id);
                    } else {
                        protocolError = "Client " + id + " (" + peer + ") sent " + Instructions.name(kind)
                                + " while no instruction was outstanding";
                    }
                }
                case AWAITING_LATE_REPLY -> {
                    log.info("Discarding late {} from client {}: its {} had already timed out", Instructions.name(kind), id,
                            Instructions.name(lateInstruction));
                    lateInstruction = null;
                    state = State.IDLE;
                }
                case AWAITING_REPLY -> {
                    ClientMessage.MsgCase expected = Instructions.expectedReply(pending.instruction());
                    if (kind == ClientMessage.MsgCase.MSG_NOT_SET && first) {
                        // A seed-style hand-shake that crossed our first instruction on the wire.
                        log.debug("Client {} sent its hand-shake after our first instruction; absorbed", id);
                    } else {
                        answered = pending;
                        pending = null;
                        state = State.IDLE;
                        answered.timer().cancel(false);
                        if (kind != expected) {
                            failure = new UnexpectedReplyException(id, "Client " + id + " (" + peer + ") answered "
                                    + Instructions.name(answered.instruction()) + " with " + Instructions.name(kind)
                                    + "; expected " + Instructions.name(expected));
                        } else {
                            closeAfterReconnect = kind == ClientMessage.MsgCase.DISCONNECT_RES;
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
        if (closeAfterReconnect) {
            // Close (and unregister) before waking the caller: reconnect() returns with the client gone.
            terminate(DisconnectReason.RECONNECT, Status.OK, null);
        }
        if (answered != null) {
            if (failure != null) {
                log.warn(failure.getMessage());
                answered.reply().completeExceptionally(failure);
            } else {
                answered.reply().complete(message);
            }
        }
    }

    private void onReplyTimeout(CompletableFuture<ClientMessage> reply) {
        Pending expired;
        synchronized (lock) {
            if (state != State.AWAITING_REPLY || pending.reply() != reply) {
                return;
            }
            expired = pending;
            pending = null;
            if (settings.timeoutPolicy() == TimeoutPolicy.KEEP) {
                state = State.AWAITING_LATE_REPLY;
                lateInstruction = expired.instruction();
            }
        }
        String what = "Client " + id + " (" + peer + ") did not reply to " + Instructions.name(expired.instruction())
                + " within " + expired.timeout();
        boolean drop = settings.timeoutPolicy() == TimeoutPolicy.DROP;
        log.warn("{}; {} ({} is {})", what, drop ? "dropping it" : "keeping it until its late reply arrives",
                settings.settingNames().of(Setting.TIMEOUT_POLICY), drop ? "drop" : "keep");
        if (drop) {
            terminate(DisconnectReason.REPLY_TIMEOUT,
                    Status.DEADLINE_EXCEEDED.withDescription(what + "; the coordinator dropped this client"), null);
        }
        expired.reply().completeExceptionally(new ClientReplyTimeoutException(id, what, expired.timeout()));
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
        terminate(DisconnectReason.PROTOCOL_ERROR, Status.INVALID_ARGUMENT.withDescription(protocolError),
                new UnexpectedReplyException(id, protocolError));
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
        terminate(DisconnectReason.TRANSPORT_ERROR, null, error);
    }

    @Override
    public void close(String why) {
        terminate(DisconnectReason.SERVER_CLOSED, Status.UNAVAILABLE.withDescription(why), null);
    }

    /** Refuses the stream before it was ever registered. */
    void reject(Status status) {
        terminate(DisconnectReason.REJECTED, status, null);
    }

    /**
     * Ends the stream once; later calls do nothing. {@code toClient} is the status sent to the client,
     * or {@code null} when the stream is already gone on the wire.
     */
    private void terminate(DisconnectReason why, Status toClient, Throwable cause) {
        Pending orphan;
        DisconnectReason reason = why;
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            orphan = pending;
            pending = null;
            if (orphan != null && orphan.instruction() == ServerMessage.MsgCase.RECONNECT_INS
                    && reason != DisconnectReason.SERVER_CLOSED) {
                // The client went away while ReconnectIns was outstanding: that is its acknowledgement (stream rule 5).
                reason = DisconnectReason.RECONNECT;
            }
            disconnectReason = reason;
            if (orphan != null) {
                orphan.timer().cancel(false);
            }
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
        }
        log.debug("Stream of client {} ({}) closed: {}", id, peer, reason);
        // Unregister before waking the waiter: whoever sees the call fail no longer finds the client registered.
        try {
            onClose.accept(reason);
        } catch (RuntimeException e) {
            log.warn("Unregistering client {} failed", id, e);
        }
        if (orphan != null) {
            if (orphan.instruction() == ServerMessage.MsgCase.RECONNECT_INS) {
                // Stock Flower clients often hang up before their DisconnectRes gets through.
                orphan.reply().complete(ClientMessage.newBuilder()
                        .setDisconnectRes(ClientMessage.DisconnectRes.newBuilder().setReason(Reason.RECONNECT))
                        .build());
            } else {
                orphan.reply().completeExceptionally(new ClientDisconnectedException(id,
                        "Client " + id + " (" + peer + ") disconnected (" + reason + ") while "
                                + Instructions.name(orphan.instruction()) + " was outstanding"
                                + (reason == DisconnectReason.PROTOCOL_ERROR && cause != null ? ": " + cause.getMessage() : ""),
                        cause));
            }
        }
    }

    @Override
    public String toString() {
        return "client " + id + " (" + peer + ")";
    }
}
