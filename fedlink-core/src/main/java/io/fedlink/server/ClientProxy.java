package io.fedlink.server;

import io.fedlink.FedlinkException;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import io.fedlink.wire.Instructions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * The coordinator's handle on one connected client. {@link #run(ServerMessage)} sends one instruction and
 * waits for its reply; subclasses add typed calls, for example:
 *
 * <pre>{@code
 * class Participant extends ClientProxy {
 *     Participant(ClientStream stream) { super(stream); }
 *     ClientMessage train(Parameters theta) {
 *         return run(ServerMessage.newBuilder()
 *                 .setFitIns(ServerMessage.FitIns.newBuilder().setParameters(theta)).build());
 *     }
 * }
 * }</pre>
 *
 * and are created for every new stream by a {@link ClientProxyFactory} bean ({@code Participant::new}).
 * A proxy is thread-safe, but the wire allows one outstanding instruction per client: a second concurrent
 * call fails with {@link ClientBusyException}.
 */
public abstract class ClientProxy {

    private final ClientStream stream;

    protected ClientProxy(ClientStream stream) {
        this.stream = stream;
    }

    /** Server-made unique id of this client. */
    public final String id() {
        return stream.id();
    }

    /** Remote address of the client, for logs. */
    public final String peer() {
        return stream.peer();
    }

    /** When the client connected. */
    public final Instant connectedAt() {
        return stream.connectedAt();
    }

    /** The identity an authentication interceptor attached to the client's call, if any. */
    public final Optional<String> identity() {
        return stream.identity();
    }

    /** Whether the client's stream is still open. */
    public final boolean isConnected() {
        return stream.isOpen();
    }

    /** The stream this proxy talks through. */
    public final ClientStream stream() {
        return stream;
    }

    /** Sends an instruction without blocking; the reply timeout is the configured default. */
    public CompletableFuture<ClientMessage> runAsync(ServerMessage instruction) {
        return stream.send(instruction, stream.defaultReplyTimeout());
    }

    /** Sends an instruction without blocking; the future fails after {@code timeout}. See {@link ClientStream#send}. */
    public CompletableFuture<ClientMessage> runAsync(ServerMessage instruction, Duration timeout) {
        return stream.send(instruction, timeout);
    }

    /**
     * As {@link #runAsync(ServerMessage, Duration)}, keeping a large reply's receive permit until {@code handled}
     * completes; see {@link ClientStream#send(ServerMessage, Duration, CompletionStage)}. The fan-out calls this.
     */
    public CompletableFuture<ClientMessage> runAsync(ServerMessage instruction, Duration timeout,
                                                     CompletionStage<?> handled) {
        return stream.send(instruction, timeout, handled);
    }

    /**
     * Sends an instruction and blocks the calling thread until the reply arrives, the configured reply timeout
     * passes ({@link ClientReplyTimeoutException}), or the client disconnects ({@link ClientDisconnectedException}).
     */
    public ClientMessage run(ServerMessage instruction) {
        return await(runAsync(instruction), instruction);
    }

    /** As {@link #run(ServerMessage)}, bounded by {@code timeout} instead of the configured default. */
    public ClientMessage run(ServerMessage instruction, Duration timeout) {
        return await(runAsync(instruction, timeout), instruction);
    }

    /** Sends {@code fit_ins} and returns the {@code fit_res}. Blocks as {@link #run(ServerMessage)}. */
    public ClientMessage.FitRes fit(ServerMessage.FitIns ins) {
        return run(ServerMessage.newBuilder().setFitIns(ins).build()).getFitRes();
    }

    /** Sends {@code evaluate_ins} and returns the {@code evaluate_res}. Blocks as {@link #run(ServerMessage)}. */
    public ClientMessage.EvaluateRes evaluate(ServerMessage.EvaluateIns ins) {
        return run(ServerMessage.newBuilder().setEvaluateIns(ins).build()).getEvaluateRes();
    }

    /** Sends {@code get_parameters_ins} and returns the {@code get_parameters_res}. */
    public ClientMessage.GetParametersRes getParameters(ServerMessage.GetParametersIns ins) {
        return run(ServerMessage.newBuilder().setGetParametersIns(ins).build()).getGetParametersRes();
    }

    /** Sends {@code get_properties_ins} and returns the {@code get_properties_res}. */
    public ClientMessage.GetPropertiesRes getProperties(ServerMessage.GetPropertiesIns ins) {
        return run(ServerMessage.newBuilder().setGetPropertiesIns(ins).build()).getGetPropertiesRes();
    }

    /**
     * Asks the client to hang up and come back after {@code seconds}; returns its {@code disconnect_res}
     * (a hang-up right after the request counts as acknowledged). The stream is closed afterwards.
     */
    public ClientMessage.DisconnectRes reconnect(long seconds) {
        return run(ServerMessage.newBuilder()
                .setReconnectIns(ServerMessage.ReconnectIns.newBuilder().setSeconds(seconds)).build()).getDisconnectRes();
    }

    private ClientMessage await(CompletableFuture<ClientMessage> reply, ServerMessage instruction) {
        try {
            return reply.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FedlinkException("Interrupted while waiting for client " + id() + " to answer "
                    + Instructions.name(instruction.getMsgCase()), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new FedlinkException("Client " + id() + " failed to answer " + Instructions.name(instruction.getMsgCase()), e.getCause());
        } catch (CancellationException e) {
            throw new FedlinkException("The call of " + Instructions.name(instruction.getMsgCase()) + " to client " + id() + " was cancelled", e);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[id=" + id() + ", peer=" + peer() + "]";
    }
}
