package io.fedlink.client;

import io.fedlink.MessageTooLargeException;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import io.fedlink.wire.Instructions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream of a {@link ClientRunner}: opens it, waits until it is established, answers every instruction through
 * the {@link InstructionDispatcher} and says how it ended. Runs on the runner's thread; every wait in it ends at once
 * when the runner is stopped (the stream is aborted).
 */
final class Session {

    private static final Logger log = LoggerFactory.getLogger(ClientRunner.class);

    /** How long a hang-up after reconnect_ins waits for the coordinator to close its side. */
    private static final Duration HANG_UP_GRACE = Duration.ofSeconds(5);

    /**
     * How one stream ended.
     *
     * @param stopped        the runner is stopping (or the coordinator said "disconnect and shut down")
     * @param answered       instructions answered on it
     * @param cause          why it failed, or {@code null}
     * @param reconnectAfter the delay a {@code reconnect_ins} asked for, or {@code null}
     */
    record End(boolean stopped, long answered, Throwable cause, Duration reconnectAfter) {
        static End stop(long answered) {
            return new End(true, answered, null, null);
        }
    }

    /** What the runner counts across sessions (read by {@link ClientRunner#status()}). */
    static final class Counters {
        final AtomicInteger sessions = new AtomicInteger();
        final AtomicLong instructionsAnswered = new AtomicLong();
        /** Connection attempts in a row that ended without an instruction answered. */
        final AtomicInteger failedAttempts = new AtomicInteger();
    }

    private final String target;
    private final RunnerControl control;
    private final InstructionDispatcher dispatcher;
    private final boolean sendHandshake;
    private final Counters counters;
    private final Consumer<Consumer<ClientRunnerListener>> tell;
    private long answered;

    Session(String target, RunnerControl control, InstructionDispatcher dispatcher, boolean sendHandshake,
            Counters counters, Consumer<Consumer<ClientRunnerListener>> tell) {
        this.target = target;
        this.control = control;
        this.dispatcher = dispatcher;
        this.sendHandshake = sendHandshake;
        this.counters = counters;
        this.tell = tell;
    }

    /** Opens one stream and answers instructions until it ends. */
    End run(ConnectionOperations connections) {
        Connection connection;
        try {
            connection = control.open(connections);
        } catch (RuntimeException e) {
            log.warn("Could not connect to coordinator {}: {}", target, e.toString());
            tell.accept(l -> l.connectFailed(target, e));
            return new End(false, 0, e, null);
        }
        if (connection == null) {
            return End.stop(0);
        }
        boolean established = false;
        try {
            connection.awaitEstablished();
            established = true;
            int session = counters.sessions.incrementAndGet();
            control.established();
            log.info("Connected to coordinator {} (session {})", target, session);
            tell.accept(l -> l.connected(target, session));
            if (sendHandshake) {
                connection.dispatch(ClientMessage.getDefaultInstance());
            }
            return answerUntilTheStreamEnds(connection);
        } catch (ConnectionClosedException | UnknownInstructionException e) {
            if (control.stopping()) {
                return established ? endByStop() : End.stop(answered);
            }
            if (e instanceof UnknownInstructionException) {
                connection.abort(e.getMessage());
            }
            if (established) {
                log.warn("Disconnected from coordinator {}: {}", target, e.getMessage());
                tell.accept(l -> l.disconnected(target, e));
            } else {
                log.warn("Could not connect to coordinator {}: {}", target, e.getMessage());
                tell.accept(l -> l.connectFailed(target, e));
            }
            return new End(false, answered, e, null);
        } catch (InterruptedException e) {
            // Only an interrupt from outside reaches here: stop() interrupts client methods only.
            control.interruptedFromOutside();
            return established ? endByStop() : End.stop(answered);
        } finally {
            control.left();
            connection.abort("client runner left the session");
        }
    }

    private End answerUntilTheStreamEnds(Connection connection) throws InterruptedException {
        while (true) {
            ServerMessage instruction = connection.take(); // stop() aborts the stream, which ends this wait
            ClientMessage reply = handle(instruction);
            if (reply == null) {
                return endByStop();
            }
            send(connection, instruction, reply);
            answered++;
            counters.instructionsAnswered.incrementAndGet();
            counters.failedAttempts.set(0);
            if (instruction.hasReconnectIns()) {
                long seconds = Math.max(0, instruction.getReconnectIns().getSeconds());
                hangUp(connection);
                tell.accept(l -> l.disconnected(target, null));
                if (seconds == 0) {
                    // Flower's meaning of reconnect_ins{seconds: 0} (what a Flower server sends when training ends).
                    log.info("Coordinator {} asked this client to disconnect and shut down", target);
                    tell.accept(l -> l.shutdownRequested(target));
                    return End.stop(answered);
                }
                log.info("Coordinator {} asked this client to reconnect in {} s; hung up", target, seconds);
                return new End(false, answered, null, Duration.ofSeconds(seconds));
            }
        }
    }

    /**
     * Sends {@code reply}; one larger than the coordinator accepts is replaced by a failure reply naming the limit, so
     * the coordinator hears of it at once and the stream goes on serving.
     */
    private void send(Connection connection, ServerMessage instruction, ClientMessage reply) {
        try {
            connection.dispatch(reply);
        } catch (MessageTooLargeException e) {
            log.warn("Could not answer {} from coordinator {}: {}; answering with a failure status instead",
                    Instructions.name(instruction.getMsgCase()), target, e.getMessage());
            connection.dispatch(dispatcher.failure(instruction, e));
        }
    }

    /**
     * Calls the client for one instruction with the stop-interrupt armed.
     *
     * @return the reply, or {@code null} if the runner is stopping and the client was not called
     */
    private ClientMessage handle(ServerMessage instruction) {
        if (!control.enterHandler()) {
            return null;
        }
        try {
            return dispatcher.dispatch(instruction);
        } finally {
            control.exitHandler();
        }
    }

    /** Half-closes after a reconnect_ins and gives the coordinator a moment to close its side. */
    private void hangUp(Connection connection) throws InterruptedException {
        connection.close();
        long deadline = System.nanoTime() + HANG_UP_GRACE.toNanos();
        try {
            while (!control.stopping()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                connection.consume(Duration.ofNanos(left)).ifPresent(message ->
                        log.debug("Ignoring {} from {} after hanging up", message.getMsgCase(), target));
            }
        } catch (ConnectionClosedException e) {
            // The coordinator closed its side: the hang-up is complete.
        }
    }

    private End endByStop() {
        tell.accept(l -> l.disconnected(target, null));
        return End.stop(answered);
    }
}
