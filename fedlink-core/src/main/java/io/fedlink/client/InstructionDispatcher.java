package io.fedlink.client;

import io.fedlink.FedlinkException;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.Reason;
import io.fedlink.proto.ServerMessage;
import io.fedlink.proto.Status;
import io.fedlink.wire.Instructions;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps one instruction from the coordinator to the matching {@link FederatedClient} method and wraps the
 * result in the reply case the wire expects ({@code fit_ins -> fit_res}, {@code reconnect_ins -> disconnect_res},
 * ...). Stateless and thread-safe; the handler runs on the calling thread.
 *
 * <h2>Failures are answered in-band</h2>
 * A handler that throws (or returns {@code null}) must not end the stream, so the coordinator still receives
 * the reply case it waits for, with a non-OK {@link Status}:
 * <ul>
 *   <li>{@code code} = the instruction's own {@code *_NOT_IMPLEMENTED} value ({@code FIT_NOT_IMPLEMENTED} for
 *       {@code fit_ins}, ...);</li>
 *   <li>{@code message} = {@code "client error: <exception class>: <exception message>"}.</li>
 * </ul>
 * Flower's {@link Code} enum has no generic error value, and adding one would break compatibility with stock
 * Flower servers and clients, so the code alone cannot tell "not implemented" from "failed": read the message
 * (a default {@link FederatedClient} method says {@code "Client does not implement ..."}, a failure says
 * {@code "client error: ..."}). A fedlink or Flower coordinator counts any non-OK status as a failure of this
 * client for that instruction. The exception is logged here with its stack trace.
 */
public final class InstructionDispatcher {

    private static final Logger log = LoggerFactory.getLogger(InstructionDispatcher.class);

    /** Prefix of the status message of a reply whose handler failed. */
    public static final String CLIENT_ERROR_PREFIX = "client error: ";

    private final FederatedClient client;

    public InstructionDispatcher(FederatedClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Runs the handler for {@code instruction} and returns the reply to send. A {@code reconnect_ins} is answered
     * with {@code disconnect_res{reason: RECONNECT}} without calling the client (hanging up is the caller's job).
     *
     * @throws UnknownInstructionException if the message carries no instruction this client knows (an empty
     *                                     {@code ServerMessage}, or a case added by a newer protocol)
     */
    public ClientMessage dispatch(ServerMessage instruction) {
        Objects.requireNonNull(instruction, "instruction");
        return switch (instruction.getMsgCase()) {
            case RECONNECT_INS -> ClientMessage.newBuilder()
                    .setDisconnectRes(ClientMessage.DisconnectRes.newBuilder().setReason(Reason.RECONNECT))
                    .build();
            case GET_PROPERTIES_INS -> ClientMessage.newBuilder()
                    .setGetPropertiesRes(call(instruction, Code.GET_PROPERTIES_NOT_IMPLEMENTED,
                            () -> client.getProperties(instruction.getGetPropertiesIns()),
                            status -> ClientMessage.GetPropertiesRes.newBuilder().setStatus(status).build()))
                    .build();
            case GET_PARAMETERS_INS -> ClientMessage.newBuilder()
                    .setGetParametersRes(call(instruction, Code.GET_PARAMETERS_NOT_IMPLEMENTED,
                            () -> client.getParameters(instruction.getGetParametersIns()),
                            status -> ClientMessage.GetParametersRes.newBuilder().setStatus(status).build()))
                    .build();
            case FIT_INS -> ClientMessage.newBuilder()
                    .setFitRes(call(instruction, Code.FIT_NOT_IMPLEMENTED,
                            () -> client.fit(instruction.getFitIns()),
                            status -> ClientMessage.FitRes.newBuilder().setStatus(status).build()))
                    .build();
            case EVALUATE_INS -> ClientMessage.newBuilder()
                    .setEvaluateRes(call(instruction, Code.EVALUATE_NOT_IMPLEMENTED,
                            () -> client.evaluate(instruction.getEvaluateIns()),
                            status -> ClientMessage.EvaluateRes.newBuilder().setStatus(status).build()))
                    .build();
            case MSG_NOT_SET -> throw new UnknownInstructionException("The coordinator sent a ServerMessage with no"
                    + " instruction this client knows (empty, or a case from a newer protocol); "
                    + instruction.getUnknownFields().asMap().size() + " unknown field(s)");
        };
    }

    /**
     * The reply that tells the coordinator this client failed {@code instruction} because of {@code failure}: the
     * instruction's reply case with its {@code *_NOT_IMPLEMENTED} code and {@code "client error: ..."} (for example
     * when the real reply could not be sent). A {@code reconnect_ins} is still answered with its
     * {@code disconnect_res}.
     *
     * @throws UnknownInstructionException as {@link #dispatch}
     */
    public ClientMessage failure(ServerMessage instruction, Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        return switch (instruction.getMsgCase()) {
            case GET_PROPERTIES_INS -> ClientMessage.newBuilder().setGetPropertiesRes(ClientMessage.GetPropertiesRes
                    .newBuilder().setStatus(status(Code.GET_PROPERTIES_NOT_IMPLEMENTED, failure))).build();
            case GET_PARAMETERS_INS -> ClientMessage.newBuilder().setGetParametersRes(ClientMessage.GetParametersRes
                    .newBuilder().setStatus(status(Code.GET_PARAMETERS_NOT_IMPLEMENTED, failure))).build();
            case FIT_INS -> ClientMessage.newBuilder().setFitRes(ClientMessage.FitRes.newBuilder()
                    .setStatus(status(Code.FIT_NOT_IMPLEMENTED, failure))).build();
            case EVALUATE_INS -> ClientMessage.newBuilder().setEvaluateRes(ClientMessage.EvaluateRes.newBuilder()
                    .setStatus(status(Code.EVALUATE_NOT_IMPLEMENTED, failure))).build();
            case RECONNECT_INS, MSG_NOT_SET -> dispatch(instruction);
        };
    }

    private static Status status(Code code, Throwable failure) {
        return Status.newBuilder().setCode(code).setMessage(CLIENT_ERROR_PREFIX + describe(failure)).build();
    }

    /** Calls the handler; if it fails, builds the reply case from a non-OK status with {@code errorCode}. */
    private <R> R call(ServerMessage instruction, Code errorCode, Supplier<R> handler, Function<Status, R> errorReply) {
        String name = Instructions.name(instruction.getMsgCase());
        Throwable failure;
        try {
            R reply = handler.get();
            if (reply != null) {
                return reply;
            }
            failure = new FedlinkException("FederatedClient handler for " + name + " returned null");
        } catch (Exception e) {
            failure = e;
        }
        log.warn("FederatedClient failed to handle {}; answering with status {}", name, errorCode, failure);
        return errorReply.apply(status(errorCode, failure));
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getName() + (message == null ? "" : ": " + message);
    }
}
