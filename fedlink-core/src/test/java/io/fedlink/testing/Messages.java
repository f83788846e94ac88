package io.fedlink.testing;

import com.google.protobuf.ByteString;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;

/** Small instruction and reply builders for tests. */
public final class Messages {

    private Messages() {
    }

    public static ServerMessage fitIns(int payloadBytes) {
        return ServerMessage.newBuilder().setFitIns(ServerMessage.FitIns.newBuilder()
                .setParameters(parameters(payloadBytes))).build();
    }

    public static ServerMessage evaluateIns() {
        return ServerMessage.newBuilder().setEvaluateIns(ServerMessage.EvaluateIns.getDefaultInstance()).build();
    }

    public static ServerMessage reconnectIns(long seconds) {
        return ServerMessage.newBuilder().setReconnectIns(ServerMessage.ReconnectIns.newBuilder().setSeconds(seconds)).build();
    }

    public static ClientMessage fitRes(long numExamples) {
        return ClientMessage.newBuilder().setFitRes(ClientMessage.FitRes.newBuilder().setNumExamples(numExamples)).build();
    }

    public static ClientMessage fitRes(long numExamples, int payloadBytes) {
        return ClientMessage.newBuilder().setFitRes(ClientMessage.FitRes.newBuilder().setNumExamples(numExamples)
                .setParameters(parameters(payloadBytes))).build();
    }

    public static ClientMessage evaluateRes(long numExamples) {
        return ClientMessage.newBuilder().setEvaluateRes(ClientMessage.EvaluateRes.newBuilder()
                .setNumExamples(numExamples).setLoss(0.5f)).build();
    }

    public static ClientMessage disconnectRes() {
        return ClientMessage.newBuilder().setDisconnectRes(ClientMessage.DisconnectRes.newBuilder()
                .setReason(io.fedlink.proto.Reason.RECONNECT)).build();
    }

    public static Parameters parameters(int payloadBytes) {
        return Parameters.newBuilder().setTensorType("numpy.ndarray")
                .addTensors(ByteString.copyFrom(new byte[payloadBytes])).build();
    }
}
