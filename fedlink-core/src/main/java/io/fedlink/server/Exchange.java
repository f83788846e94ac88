package io.fedlink.server;

import io.fedlink.MessageTooLargeException;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Reason;
import io.fedlink.proto.ServerMessage;
import io.fedlink.wire.InPlaceParser;
import io.fedlink.wire.Instructions;
import io.fedlink.wire.ReceivedBuffers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one instruction outstanding on a {@link StreamBridge}, from {@code send} until its reply (or late reply)
 * arrives: its reply future, its deadline, and what it holds of the servicer's shared flow control (room in the send
 * budget while it is being written, a receive permit while its large reply is received). Its mutable fields are guarded
 * by the bridge's lock; what it releases, it releases outside that lock.
 */
final class Exchange {

    final ServerMessage.MsgCase instruction;
    /** Marshalled bytes of the instruction. */
    final int size;
    final Duration timeout;
    /** Whether the reply is expected to be model-sized (see {@link FlowControl}): it needs a receive permit. */
    final boolean largeReply;
    final CompletableFuture<ClientMessage> reply = new CompletableFuture<>();
    private final CompletionStage<?> handled;

    private ServerMessage message; // until written: a stream keeps no copy of what it has sent
    private volatile boolean written;
    private boolean budgetHeld;
    private boolean permitHeld;
    private ScheduledFuture<?> deadline;

    Exchange(ServerMessage message, int size, Duration timeout, CompletionStage<?> handled) {
        this.message = message;
        this.instruction = message.getMsgCase();
        this.size = size;
        this.timeout = timeout;
        this.handled = handled;
        this.largeReply = instruction == ServerMessage.MsgCase.GET_PARAMETERS_INS
                || instruction == ServerMessage.MsgCase.FIT_INS && size >= FlowControl.LARGE_INSTRUCTION;
    }

    /** Why {@code instruction} cannot be sent at all, or {@code null}. */
    static RuntimeException refusal(ClientStream client, ServerMessage instruction, Duration timeout) {
        ServerMessage.MsgCase kind = instruction.getMsgCase();
        if (kind == ServerMessage.MsgCase.MSG_NOT_SET) {
            return new IllegalArgumentException("Cannot send an empty ServerMessage to client " + client.id()
                    + ": set one instruction (fit_ins, evaluate_ins, ...)");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            return new IllegalArgumentException("Reply timeout for " + Instructions.name(kind) + " to client "
                    + client.id() + " must be positive, was " + timeout);
        }
        return null;
    }

    /**
     * A refusal if the client announced a limit below this instruction's size, else {@code null}.
     *
     * @param setting how messages name the client's limit
     */
    MessageTooLargeException tooLargeFor(ClientStream client, Integer clientLimit, String setting) {
        if (clientLimit == null || size <= clientLimit) {
            return null;
        }
        return new MessageTooLargeException("Did not send " + name() + " of " + size + " bytes to client " + client.id()
                + " (" + client.peer() + "): the client accepts at most " + clientLimit
                + " bytes; raise " + setting + " on the client", size, clientLimit);
    }

    /** The instruction's wire name ({@code fit_ins}). */
    String name() {
        return Instructions.name(instruction);
    }

    /** Whether the instruction was handed to the transport (its bytes count as sent). */
    boolean written() {
        return written;
    }

    /** Hands the instruction over for writing; from now on it holds its bytes of the send budget. */
    ServerMessage takeForWriting() {
        ServerMessage taken = message;
        message = null;
        written = true;
        budgetHeld = true;
        return taken;
    }

    /** The instruction has gone out: its bytes of the send budget go back (the caller releases them). */
    void goneOut() {
        budgetHeld = false;
    }

    void permitTaken() {
        permitHeld = true;
    }

    boolean holdsPermit() {
        return permitHeld;
    }

    /** Replaces the running deadline (if any) with {@code task} after this exchange's timeout. */
    void startDeadline(StreamResources shared, Runnable task) {
        cancelDeadline();
        deadline = shared.timer().schedule(task, saturatedNanos(timeout), TimeUnit.NANOSECONDS);
    }

    void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    /**
     * Completes the reply with {@code message}, which answers this instruction. A message parsed in place is handed over
     * as it is only if it holds a receive permit and the caller says when it has handled it: its buffers then go back
     * together with the permit, once handled. Otherwise the caller may keep the message as long as it likes, so it gets
     * a copy on the heap and the buffers go back at once.
     *
     * @param buffers the transport buffers {@code message} was parsed in; this exchange takes them over
     */
    void deliver(ClientMessage message, ReceivedBuffers buffers, StreamResources shared) {
        ReceivedBuffers held = buffers.transfer();
        boolean inPlace = held.holdsAny() && handled != null && permitHeld;
        ClientMessage delivered = message;
        if (held.holdsAny() && !inPlace) {
            delivered = InPlaceParser.copyOnHeap(message);
            held.release();
        }
        reply.complete(delivered);
        releaseOnceHandled(shared, inPlace ? held : ReceivedBuffers.NONE);
    }

    /**
     * The reply arrived and was handed over (or failed): its buffers, then its permit, go back once the caller has
     * handled it (at once if the caller did not say when).
     */
    void releasePermitOnceHandled(StreamResources shared) {
        releaseOnceHandled(shared, ReceivedBuffers.NONE);
    }

    private void releaseOnceHandled(StreamResources shared, ReceivedBuffers buffers) {
        boolean permit = permitHeld;
        if (!permit && !buffers.holdsAny()) {
            return;
        }
        permitHeld = false;
        Runnable release = () -> {
            buffers.release();
            if (permit) {
                shared.receivePermits().release(1);
            }
        };
        if (handled == null) {
            release.run();
        } else {
            handled.whenComplete((ignored, error) -> release.run());
        }
    }

    /** Under the lock, for an exchange the stream gives up on: what it holds, to be given back after the lock. */
    Runnable releaseHeld(StreamResources shared) {
        boolean budget = budgetHeld;
        boolean permit = permitHeld;
        budgetHeld = false;
        permitHeld = false;
        return () -> {
            if (budget) {
                shared.sendBudget().release(size);
            }
            if (permit) {
                shared.receivePermits().release(1);
            }
        };
    }

    /** Acknowledges a {@code reconnect_ins} whose client hung up before its {@code disconnect_res} got through. */
    void acknowledgeReconnect() {
        reply.complete(ClientMessage.newBuilder()
                .setDisconnectRes(ClientMessage.DisconnectRes.newBuilder().setReason(Reason.RECONNECT)).build());
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }
}
