package io.fedlink.strategy.aggregate;

import io.fedlink.proto.Parameters;
import io.fedlink.tensor.NpyHeader;
import io.fedlink.tensor.ParametersCodec;
import java.nio.ByteBuffer;

/**
 * A server-side optimizer's step (FedAvgM, FedAdagrad, FedAdam, FedYogi): the new model, element by element, from
 * the current model and the round's weighted mean, written straight into its {@code .npy} bytes. Optimizer state
 * (momentum, moments) lives in the strategy, one {@code double[]} per tensor ({@link #zeros}).
 */
public final class ServerStep {

    /** Element {@code i} of tensor {@code t} of the new model. */
    @FunctionalInterface
    public interface Rule {
        double next(int t, int i, double current, double mean);
    }

    private ServerStep() {
    }

    /**
     * The new model.
     *
     * @param current the round's starting model, of the mean's layout
     * @param mean    the round's weighted mean (at least one update)
     */
    public static Parameters apply(Parameters current, WeightedMean mean, Rule rule) {
        TensorLayout layout = mean.layout();
        Parameters.Builder result = Parameters.newBuilder().setTensorType(ParametersCodec.NUMPY_TENSOR_TYPE);
        java.util.List<NpyHeader> headers = TensorLayout.readUpdate("the global model", current);
        for (int t = 0; t < layout.size(); t++) {
            NpyHeader header = headers.get(t);
            ByteBuffer data = TensorLayout.data(current, t, header);
            OutputTensor tensor = new OutputTensor(layout.tensor(t));
            for (int i = 0; i < tensor.size(); i++) {
                tensor.set(i, rule.next(t, i, TensorLayout.element(data, header, i), mean.meanElement(t, i)));
            }
            result.addTensors(tensor.bytes());
        }
        return result.build();
    }

    /** Whether a server step can be taken from {@code current}: it has the mean's tensors (not empty parameters). */
    public static boolean applies(Parameters current, WeightedMean mean) {
        return current.getTensorsCount() == mean.layout().size();
    }

    /** Optimizer state for {@code layout}: one zeroed {@code double[]} per tensor. */
    public static double[][] zeros(TensorLayout layout) {
        double[][] state = new double[layout.size()][];
        for (int t = 0; t < layout.size(); t++) {
            state[t] = new double[layout.tensor(t).size()];
        }
        return state;
    }

    /** Whether {@code state} was made for {@code layout} (same tensors, same sizes). */
    public static boolean fits(double[][] state, TensorLayout layout) {
        if (state == null || state.length != layout.size()) {
            return false;
        }
        for (int t = 0; t < state.length; t++) {
            if (state[t].length != layout.tensor(t).size()) {
                return false;
            }
        }
        return true;
    }
}
