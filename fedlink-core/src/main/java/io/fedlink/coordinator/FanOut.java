package io.fedlink.coordinator;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.ServerMessage;
import io.fedlink.proto.Status;
import io.fedlink.server.ClientFailure;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.ClientReplyTimeoutException;
import io.fedlink.wire.InBandStatus;
import io.fedlink.wire.Instructions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one instruction (or one per client) to many clients concurrently and gathers the outcome, with
 * results and failures kept apart.
 *
 * <p>At most {@link #maxInFlight()} instructions are outstanding at once: the first ones go out together,
 * and each completion lets the next client's instruction go out (a window over
 * {@link ClientProxy#runAsync(ServerMessage, Duration, java.util.concurrent.CompletionStage)} futures; no thread per
 * client). Each call is bounded by {@link #replyTimeout()}, counted by the client's stream from when that client's
 * instruction has gone out to the network (see {@link io.fedlink.server.FlowControl}), so clients waiting for a slot,
 * for the shared uplink or for their turn to upload are not penalised. A large reply keeps the coordinator's receive
 * permit until the handler has taken it, so with every instruction out at once the updates still arrive one (or
 * {@code largeRepliesAtOnce}) at a time. A reply counts as a failure when its in-band {@code Status} is not
 * {@code OK} ({@link ClientStatusException}).
 *
 * <p>Every method blocks the calling thread until each client has answered, failed or timed out. Each stream bounds
 * its own call; as a backstop for proxies that never complete a call, the fan-out gives up on every call still
 * outstanding once none has completed for {@code replyTimeout} plus a grace. Completions are handed over from gRPC
 * and timer threads through a queue; the {@link ReplyHandler} runs on the calling thread, one reply at a time. A
 * {@code FanOut} holds no state between calls and may be shared.
 */
public final class FanOut {

    private static final Logger log = LoggerFactory.getLogger(FanOut.class);
    /** Extra wait past the streams' own reply timeout before the fan-out gives up on its calls by itself. */
    private static final Duration MIN_GRACE = Duration.ofSeconds(1);

    private final int maxInFlight;
    private final Duration replyTimeout;
    private final long guardNanos;

    /**
     * @param maxInFlight  most instructions outstanding at once (at least 1)
     * @param replyTimeout how long each client has to reply, from when its instruction goes out (positive)
     * @throws IllegalArgumentException if either bound is not positive
     */
    public FanOut(int maxInFlight, Duration replyTimeout) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
        }
        Objects.requireNonNull(replyTimeout, "replyTimeout");
        if (replyTimeout.isNegative() || replyTimeout.isZero()) {
            throw new IllegalArgumentException("replyTimeout must be positive, was " + replyTimeout);
        }
        this.maxInFlight = maxInFlight;
        this.replyTimeout = replyTimeout;
        Duration grace = replyTimeout.dividedBy(10).plus(MIN_GRACE);
        this.guardNanos = saturatedNanos(replyTimeout.plus(grace));
    }

    /** Most instructions outstanding at once. */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** How long each client has to reply. */
    public Duration replyTimeout() {
        return replyTimeout;
    }

    /**
     * Sends {@code instruction} to every client and collects the replies.
     *
     * @throws InterruptedException if the calling thread is interrupted; instructions already sent stay
     *                              outstanding on their streams and their replies are discarded
     */
    public FanOutResult call(List<? extends ClientProxy> clients, ServerMessage instruction) throws InterruptedException {
        Objects.requireNonNull(instruction, "instruction");
        return call(clients, client -> instruction);
    }

    /**
     * Sends each client the instruction {@code instructionFor} makes for it (called on the calling thread just
     * before that client's instruction goes out; an exception it throws becomes that client's failure) and
     * collects the replies. Keeps every reply in memory: for model updates prefer {@link #stream}.
     *
     * @throws InterruptedException as {@link #call(List, ServerMessage)}
     */
    public FanOutResult call(List<? extends ClientProxy> clients, Function<? super ClientProxy, ServerMessage> instructionFor)
            throws InterruptedException {
        List<ClientReply> replies = new ArrayList<>();
        FanOutSummary summary = stream(clients, instructionFor, (client, reply) -> replies.add(new ClientReply(client, reply)));
        return new FanOutResult(summary.asked(), replies, summary.failures(), summary.elapsed());
    }

    /**
     * Sends {@code instruction} to every client and hands each successful reply to {@code handler} as it
     * arrives; see {@link #stream(List, Function, ReplyHandler)}.
     *
     * @throws InterruptedException as {@link #call(List, ServerMessage)}
     */
    public FanOutSummary stream(List<? extends ClientProxy> clients, ServerMessage instruction, ReplyHandler handler)
            throws InterruptedException {
        Objects.requireNonNull(instruction, "instruction");
        return stream(clients, client -> instruction, handler);
    }

    /**
     * Sends each client its instruction and hands each successful reply to {@code handler} as it arrives, on the
     * calling thread, one at a time; no reply is kept after the handler returns, so an aggregator that folds
     * replies into running sums holds about one model plus the replies that arrive while it is busy (at most
     * {@link #maxInFlight()}). The next client's instruction goes out before the handler runs.
     *
     * @throws InterruptedException as {@link #call(List, ServerMessage)}
     */
    public FanOutSummary stream(List<? extends ClientProxy> clients, Function<? super ClientProxy, ServerMessage> instructionFor,
                                ReplyHandler handler) throws InterruptedException {
        Objects.requireNonNull(instructionFor, "instructionFor");
        Objects.requireNonNull(handler, "handler");
        return new Run(List.copyOf(clients), instructionFor, handler).execute();
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    private record Completion(int index, ClientMessage reply, Throwable error) {
    }

    /** One instruction outstanding; {@code handled} completes once the fan-out is done with its reply. */
    private record Call(ClientProxy client, ServerMessage.MsgCase instruction, CompletableFuture<Void> handled) {
    }

    /** The state of one fan-out; confined to the calling thread except for the completion queue. */
    private final class Run {
        private final List<ClientProxy> targets;
        private final Function<? super ClientProxy, ServerMessage> instructionFor;
        private final ReplyHandler handler;
        private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
        private final Map<Integer, Call> inFlight = new HashMap<>();
        private final List<ClientProxy> answered = new ArrayList<>();
        private final List<ClientFailure> failures = new ArrayList<>();
        private final long started = System.nanoTime();
        private long lastProgress = started;
        private int next;

        Run(List<ClientProxy> targets, Function<? super ClientProxy, ServerMessage> instructionFor, ReplyHandler handler) {
            this.targets = targets;
            this.instructionFor = instructionFor;
            this.handler = handler;
        }

        FanOutSummary execute() throws InterruptedException {
            try {
                while (true) {
                    fillWindow();
                    if (inFlight.isEmpty()) {
                        break; // fillWindow sends until the window is full or nobody is left
                    }
                    long wait = lastProgress + guardNanos - System.nanoTime();
                    Completion completion = completions.poll(Math.max(0, wait), TimeUnit.NANOSECONDS);
                    if (completion == null) {
                        if (System.nanoTime() - lastProgress >= guardNanos) {
                            giveUpOnAll();
                        }
                        continue;
                    }
                    Call call = inFlight.remove(completion.index());
                    if (call == null) {
                        continue; // already given up on
                    }
                    lastProgress = System.nanoTime();
                    fillWindow();
                    try {
                        handle(call, completion);
                    } finally {
                        call.handled().complete(null);
                    }
                }
            } finally {
                // Interrupted: the streams keep no receive permit for replies nobody will handle.
                inFlight.values().forEach(call -> call.handled().complete(null));
            }
            return new FanOutSummary(targets.size(), answered, failures, Duration.ofNanos(System.nanoTime() - started));
        }

        private void fillWindow() {
            while (inFlight.size() < maxInFlight && next < targets.size()) {
                send(next++);
            }
        }

        private void send(int index) {
            ClientProxy client = targets.get(index);
            ServerMessage instruction;
            CompletableFuture<ClientMessage> reply;
            CompletableFuture<Void> handled = new CompletableFuture<>();
            try {
                instruction = Objects.requireNonNull(instructionFor.apply(client), "instructionFor returned null");
                reply = Objects.requireNonNull(client.runAsync(instruction, replyTimeout, handled),
                        "runAsync returned null");
            } catch (RuntimeException e) {
                handled.complete(null);
                fail(client, e);
                return;
            }
            inFlight.put(index, new Call(client, instruction.getMsgCase(), handled));
            reply.whenComplete((message, error) -> completions.add(new Completion(index, message, error)));
        }

        private void handle(Call call, Completion completion) {
            ClientProxy client = call.client();
            if (completion.error() != null) {
                fail(client, unwrap(completion.error()));
                return;
            }
            ClientMessage reply = completion.reply();
            Status status = InBandStatus.of(reply);
            if (status.getCode() != Code.OK) {
                fail(client, new ClientStatusException(client.id(), status.getCode(), "Client " + client.id() + " answered "
                        + Instructions.name(call.instruction()) + " with status " + status.getCode()
                        + (status.getMessage().isEmpty() ? "" : ": " + status.getMessage())));
                return;
            }
            try {
                handler.onReply(client, reply);
                answered.add(client);
            } catch (RuntimeException e) {
                fail(client, e);
            }
        }

        /** No call has completed for the whole guard: the streams are not timing their calls out; give up. */
        private void giveUpOnAll() {
            for (Call call : inFlight.values()) {
                String id = call.client().id();
                fail(call.client(), new ClientReplyTimeoutException(id, "Client " + id + " did not complete "
                        + Instructions.name(call.instruction()) + " within " + replyTimeout
                        + " (its stream did not time the call out by itself; the fan-out gave up)", replyTimeout));
                call.handled().complete(null);
            }
            inFlight.clear();
            lastProgress = System.nanoTime();
        }

        private void fail(ClientProxy client, Throwable error) {
            log.debug("Client {} failed in fan-out: {}", client.id(), error.toString());
            failures.add(new ClientFailure(client, error));
        }

        private Throwable unwrap(Throwable error) {
            Throwable cause = error;
            while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
                cause = cause.getCause();
            }
            return cause;
        }
    }
}
