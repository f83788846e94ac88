package io.fedlink.coordinator;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.Scalar;
import io.fedlink.proto.ServerMessage;
import io.fedlink.proto.Status;
import java.util.Map;

/** Messages test clients and coordinators send. */
final class Replies {

    private Replies() {
    }

    static ServerMessage fitIns(Parameters parameters) {
        return ServerMessage.newBuilder().setFitIns(ServerMessage.FitIns.newBuilder().setParameters(parameters)).build();
    }

    static ClientMessage fitRes(Parameters parameters, long numExamples) {
        return ClientMessage.newBuilder().setFitRes(ClientMessage.FitRes.newBuilder()
                .setParameters(parameters).setNumExamples(numExamples)).build();
    }

    static ClientMessage fitRes(Parameters parameters, long numExamples, Map<String, Scalar> metrics) {
        return ClientMessage.newBuilder().setFitRes(ClientMessage.FitRes.newBuilder()
                .setParameters(parameters).setNumExamples(numExamples).putAllMetrics(metrics)).build();
    }

    static ClientMessage fitStatus(Code code, String message) {
        return ClientMessage.newBuilder().setFitRes(ClientMessage.FitRes.newBuilder()
                .setStatus(Status.newBuilder().setCode(code).setMessage(message))).build();
    }

    static ClientMessage evaluateRes(double loss, long numExamples, Map<String, Scalar> metrics) {
        return ClientMessage.newBuilder().setEvaluateRes(ClientMessage.EvaluateRes.newBuilder()
                .setLoss((float) loss).setNumExamples(numExamples).putAllMetrics(metrics)).build();
    }

    static Scalar scalar(double value) {
        return Scalar.newBuilder().setDouble(value).build();
    }

    static Scalar scalar(String value) {
        return Scalar.newBuilder().setString(value).build();
    }
}
