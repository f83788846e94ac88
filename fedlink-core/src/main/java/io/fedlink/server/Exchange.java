package io.fedlink.server;

import io.fedlink.MessageTooLargeException;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Reason;
import io.fedlink.proto.ServerMessage;
import io.fedlink.wire.Instructions;
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
     * The reply arrived and was handed over: its permit goes back once the caller has handled it (at once if the
     * caller did not say when).
     */
    void releasePermitOnceHandled(StreamResources shared) {
        if (!permitHeld) {
            return;
        }
        permitHeld = false;
        if (handled == null) {
            shared.receivePermits().release(1);
        } else {
            handled.whenComplete((ignored, error) -> shared.receivePermits().release(1));
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
