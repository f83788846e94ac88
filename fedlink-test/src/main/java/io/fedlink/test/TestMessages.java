package io.fedlink.test;

import com.google.protobuf.ByteString;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.Reason;
import io.fedlink.proto.Scalar;
import io.fedlink.proto.ServerMessage;
import io.fedlink.proto.Status;
import java.util.Map;

/**
 * Instructions and replies for tests, in the spirit of spring-kafka-test's {@code KafkaTestUtils}: the wire messages
 * a test sends or expects, without the builder noise. Payload sizes are exact: {@code fitIns(1000)} carries one
 * tensor of 1000 zero bytes.
 */
public final class TestMessages {

    private TestMessages() {
    }

    /** {@code fit_ins} with one tensor of {@code payloadBytes} zero bytes. */
    public static ServerMessage fitIns(int payloadBytes) {
        return fitIns(parameters(payloadBytes));
    }

    /** {@code fit_ins} with {@code parameters}. */
    public static ServerMessage fitIns(Parameters parameters) {
        return ServerMessage.newBuilder().setFitIns(ServerMessage.FitIns.newBuilder().setParameters(parameters)).build();
    }

    /** {@code evaluate_ins} with no parameters. */
    public static ServerMessage evaluateIns() {
        return ServerMessage.newBuilder().setEvaluateIns(ServerMessage.EvaluateIns.getDefaultInstance()).build();
    }

    /** {@code reconnect_ins{seconds}}; 0 means "disconnect and shut down". */
    public static ServerMessage reconnectIns(long seconds) {
        return ServerMessage.newBuilder().setReconnectIns(ServerMessage.ReconnectIns.newBuilder().setSeconds(seconds))
                .build();
    }

    /** {@code fit_res} with {@code numExamples} and no parameters. */
    public static ClientMessage fitRes(long numExamples) {
        return ClientMessage.newBuilder().setFitRes(ClientMessage.FitRes.newBuilder().setNumExamples(numExamples)).build();
    }

    /** {@code fit_res} with one tensor of {@code payloadBytes} zero bytes. */
    public static ClientMessage fitRes(long numExamples, int payloadBytes) {
        return fitRes(parameters(payloadBytes), numExamples);
    }

    /** {@code fit_res} with {@code parameters}. */
    public static ClientMessage fitRes(Parameters parameters, long numExamples) {
        return fitRes(parameters, numExamples, Map.of());
    }

    /** {@code fit_res} with {@code parameters} and {@code metrics}. */
    public static ClientMessage fitRes(Parameters parameters, long numExamples, Map<String, Scalar> metrics) {
        return ClientMessage.newBuilder().setFitRes(ClientMessage.FitRes.newBuilder()
                .setParameters(parameters).setNumExamples(numExamples).putAllMetrics(metrics)).build();
    }

    /** {@code fit_res} carrying only an in-band status (a refusal such as {@code FIT_NOT_IMPLEMENTED}). */
    public static ClientMessage fitStatus(Code code, String message) {
        return ClientMessage.newBuilder().setFitRes(ClientMessage.FitRes.newBuilder()
                .setStatus(Status.newBuilder().setCode(code).setMessage(message))).build();
    }

    /** {@code evaluate_res} with loss 0.5. */
    public static ClientMessage evaluateRes(long numExamples) {
        return evaluateRes(0.5, numExamples, Map.of());
    }

    /** {@code evaluate_res} with {@code loss} and {@code metrics}. */
    public static ClientMessage evaluateRes(double loss, long numExamples, Map<String, Scalar> metrics) {
        return ClientMessage.newBuilder().setEvaluateRes(ClientMessage.EvaluateRes.newBuilder()
                .setLoss((float) loss).setNumExamples(numExamples).putAllMetrics(metrics)).build();
    }

    /** {@code disconnect_res{RECONNECT}}: the answer to {@code reconnect_ins}. */
    public static ClientMessage disconnectRes() {
        return ClientMessage.newBuilder().setDisconnectRes(ClientMessage.DisconnectRes.newBuilder()
                .setReason(Reason.RECONNECT)).build();
    }

    /** Parameters of one tensor of {@code payloadBytes} zero bytes (not a valid .npy file: for sizes only). */
    public static Parameters parameters(int payloadBytes) {
        return Parameters.newBuilder().setTensorType("numpy.ndarray")
                .addTensors(ByteString.copyFrom(new byte[payloadBytes])).build();
    }

    public static Scalar scalar(double value) {
        return Scalar.newBuilder().setDouble(value).build();
    }

    public static Scalar scalar(String value) {
        return Scalar.newBuilder().setString(value).build();
    }
}
