package io.fedlink.interop;

import io.fedlink.client.FederatedClient;
import io.fedlink.proto.ClientMessage.EvaluateRes;
import io.fedlink.proto.ClientMessage.FitRes;
import io.fedlink.proto.ClientMessage.GetParametersRes;
import io.fedlink.proto.ClientMessage.GetPropertiesRes;
import io.fedlink.proto.Scalar;
import io.fedlink.proto.ServerMessage.EvaluateIns;
import io.fedlink.proto.ServerMessage.FitIns;
import io.fedlink.proto.ServerMessage.GetParametersIns;
import io.fedlink.proto.ServerMessage.GetPropertiesIns;
import io.fedlink.tensor.DType;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A typed fedlink client ({@link FederatedClient}, run by a {@code ClientRunner}) for the interop tests. Its model is
 * a weight vector of {@value #MODEL_DIM} and a bias (float32, through fedlink's own {@link ParametersCodec}); fit moves
 * every value half-way towards 1, evaluate reports the mean squared distance from 1 as the loss and
 * {@code 1 / (1 + loss)} as {@code accuracy}. Leaves status unset (the runner then answers OK).
 */
final class TypedTestClient implements FederatedClient {

    static final int MODEL_DIM = 8;
    static final int NUM_EXAMPLES = 100;

    private final List<String> handled = new CopyOnWriteArrayList<>();

    /** The instructions answered so far, by method name, in order. */
    List<String> handled() {
        return List.copyOf(handled);
    }

    @Override
    public GetPropertiesRes getProperties(GetPropertiesIns ins) {
        handled.add("getProperties");
        return GetPropertiesRes.newBuilder().putProperties("language", Scalar.newBuilder().setString("java").build()).build();
    }

    @Override
    public GetParametersRes getParameters(GetParametersIns ins) {
        handled.add("getParameters");
        return GetParametersRes.newBuilder().setParameters(ParametersCodec.encode(NdArray.zeros(DType.FLOAT32, MODEL_DIM),
                NdArray.zeros(DType.FLOAT32, 1))).build();
    }

    @Override
    public FitRes fit(FitIns ins) {
        handled.add("fit");
        List<NdArray> updated = new ArrayList<>();
        for (NdArray tensor : ParametersCodec.decode(ins.getParameters())) {
            float[] values = tensor.toFloatArray();
            for (int i = 0; i < values.length; i++) {
                values[i] += 0.5f * (1 - values[i]);
            }
            updated.add(NdArray.of(values, tensor.shape()));
        }
        return FitRes.newBuilder().setParameters(ParametersCodec.encode(updated)).setNumExamples(NUM_EXAMPLES).build();
    }

    @Override
    public EvaluateRes evaluate(EvaluateIns ins) {
        handled.add("evaluate");
        float[] weights = ParametersCodec.decode(ins.getParameters()).get(0).toFloatArray();
        double loss = 0;
        for (float weight : weights) {
            loss += (weight - 1) * (weight - 1) / weights.length;
        }
        return EvaluateRes.newBuilder().setLoss((float) loss).setNumExamples(NUM_EXAMPLES)
                .putMetrics("accuracy", Scalar.newBuilder().setDouble(1 / (1 + loss)).build()).build();
    }
}
