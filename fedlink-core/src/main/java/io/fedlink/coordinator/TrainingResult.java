package io.fedlink.coordinator;

import io.fedlink.proto.Parameters;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import java.util.List;

/**
 * What {@link FederatedTraining#run()} ends with.
 *
 * @param model   the global model after the last completed round
 * @param history every round played, including rounds restored from a checkpoint
 */
public record TrainingResult(Parameters model, History history) {

    /** The model decoded into arrays. */
    public List<NdArray> modelArrays() {
        return ParametersCodec.decode(model);
    }
}
