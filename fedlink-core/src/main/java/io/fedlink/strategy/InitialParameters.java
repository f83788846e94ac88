package io.fedlink.strategy;

import io.fedlink.proto.Parameters;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import java.util.List;

/**
 * The first round's global model, from the application: a bean of this type comes first, before
 * {@code fedlink.server.training.initial-model} and before asking a client ({@code get_parameters}).
 *
 * <pre>{@code
 * @Bean InitialParameters initialParameters() {
 *     return InitialParameters.of(List.of(NdArray.zeros(DType.FLOAT32, 784, 10), NdArray.zeros(DType.FLOAT32, 10)));
 * }
 * }</pre>
 */
@FunctionalInterface
public interface InitialParameters {

    /** The model, as {@code .npy} tensors; called once per training, on the thread that builds it. */
    Parameters get();

    /** These arrays, encoded once. */
    static InitialParameters of(List<NdArray> arrays) {
        Parameters parameters = ParametersCodec.encode(arrays);
        return () -> parameters;
    }
}
