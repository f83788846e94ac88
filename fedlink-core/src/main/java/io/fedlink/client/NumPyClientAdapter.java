package io.fedlink.client;

import io.fedlink.proto.ClientMessage.EvaluateRes;
import io.fedlink.proto.ClientMessage.FitRes;
import io.fedlink.proto.ClientMessage.GetParametersRes;
import io.fedlink.proto.ClientMessage.GetPropertiesRes;
import io.fedlink.proto.Code;
import io.fedlink.proto.ServerMessage.EvaluateIns;
import io.fedlink.proto.ServerMessage.FitIns;
import io.fedlink.proto.ServerMessage.GetParametersIns;
import io.fedlink.proto.ServerMessage.GetPropertiesIns;
import io.fedlink.proto.Status;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.wire.Scalars;
import java.util.Objects;

/**
 * A {@link NumPyClient} on the wire: decodes the instruction's parameters and config, calls the client, encodes what
 * it returns with an OK status; a method the client left as its default answers {@code *_NOT_IMPLEMENTED} (Flower's
 * behaviour), and one that throws is answered by {@link InstructionDispatcher} with a non-OK status.
 */
final class NumPyClientAdapter implements FederatedClient {

    private static final Status OK = Status.newBuilder().setCode(Code.OK).setMessage("Success").build();

    private final NumPyClient client;

    NumPyClientAdapter(NumPyClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public GetPropertiesRes getProperties(GetPropertiesIns ins) {
        try {
            return GetPropertiesRes.newBuilder().setStatus(OK)
                    .putAllProperties(Scalars.of(client.getProperties(Scalars.toJava(ins.getConfigMap())))).build();
        } catch (NumPyClient.NotImplemented e) {
            return GetPropertiesRes.newBuilder().setStatus(notImplemented(Code.GET_PROPERTIES_NOT_IMPLEMENTED, e)).build();
        }
    }

    @Override
    public GetParametersRes getParameters(GetParametersIns ins) {
        try {
            return GetParametersRes.newBuilder().setStatus(OK)
                    .setParameters(ParametersCodec.encode(client.getParameters(Scalars.toJava(ins.getConfigMap())))).build();
        } catch (NumPyClient.NotImplemented e) {
            return GetParametersRes.newBuilder().setStatus(notImplemented(Code.GET_PARAMETERS_NOT_IMPLEMENTED, e)).build();
        }
    }

    @Override
    public FitRes fit(FitIns ins) {
        NumPyClient.FitResult result = client.fit(ParametersCodec.decode(ins.getParameters()), Scalars.toJava(ins.getConfigMap()));
        Objects.requireNonNull(result, "NumPyClient.fit returned null");
        return FitRes.newBuilder().setStatus(OK).setParameters(ParametersCodec.encode(result.parameters()))
                .setNumExamples(result.numExamples()).putAllMetrics(Scalars.of(result.metrics())).build();
    }

    @Override
    public EvaluateRes evaluate(EvaluateIns ins) {
        try {
            NumPyClient.EvaluateResult result = client.evaluate(ParametersCodec.decode(ins.getParameters()),
                    Scalars.toJava(ins.getConfigMap()));
            Objects.requireNonNull(result, "NumPyClient.evaluate returned null");
            return EvaluateRes.newBuilder().setStatus(OK).setLoss((float) result.loss())
                    .setNumExamples(result.numExamples()).putAllMetrics(Scalars.of(result.metrics())).build();
        } catch (NumPyClient.NotImplemented e) {
            return EvaluateRes.newBuilder().setStatus(notImplemented(Code.EVALUATE_NOT_IMPLEMENTED, e)).build();
        }
    }

    private static Status notImplemented(Code code, NumPyClient.NotImplemented e) {
        return Status.newBuilder().setCode(code).setMessage(e.getMessage()).build();
    }

    @Override
    public String toString() {
        return "NumPyClient " + client;
    }
}
