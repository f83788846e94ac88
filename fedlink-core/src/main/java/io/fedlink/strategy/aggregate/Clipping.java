package io.fedlink.strategy.aggregate;

import io.fedlink.proto.Parameters;
import io.fedlink.tensor.NpyHeader;
import io.fedlink.tensor.ParametersCodec;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Server-side differential privacy's mathematics (Flower's {@code flwr.common.differential_privacy}): an update
 * {@code Δ = w_k - w} clipped to an L2 norm over all its tensors flattened (FlatClip, McMahan et al. 2018), and
 * Gaussian noise added to every element of a model.
 */
public final class Clipping {

    /**
     * A client's model with its update clipped.
     *
     * @param parameters {@code w + min(1, clippingNorm / ||Δ||) Δ}, in each tensor's dtype
     * @param norm       {@code ||Δ||} before clipping
     * @param clipped    whether it was scaled down ({@code ||Δ|| > clippingNorm})
     */
    public record Clipped(Parameters parameters, double norm, boolean clipped) {
    }

    private Clipping() {
    }

    /**
     * Clips the update of {@code model} (a client's) against {@code current} (the round's starting model).
     *
     * @throws io.fedlink.server.ClientUpdateRejectedException if the client's model does not have the current one's layout
     */
    public static Clipped clip(String clientId, Parameters current, Parameters model, double clippingNorm) {
        TensorLayout layout = TensorLayout.of(current);
        List<NpyHeader> headers = TensorLayout.readUpdate(clientId, model);
        layout.check(clientId, headers);
        double squared = 0;
        for (int t = 0; t < layout.size(); t++) {
            ByteBuffer base = TensorLayout.data(current, t, layout.tensor(t));
            ByteBuffer update = TensorLayout.data(model, t, headers.get(t));
            for (int i = 0; i < layout.tensor(t).size(); i++) {
                double delta = TensorLayout.element(update, headers.get(t), i) - TensorLayout.element(base, layout.tensor(t), i);
                squared += delta * delta;
            }
        }
        double norm = Math.sqrt(squared);
        double factor = Math.min(1, clippingNorm / norm);
        Parameters.Builder clipped = Parameters.newBuilder().setTensorType(ParametersCodec.NUMPY_TENSOR_TYPE);
        for (int t = 0; t < layout.size(); t++) {
            ByteBuffer base = TensorLayout.data(current, t, layout.tensor(t));
            ByteBuffer update = TensorLayout.data(model, t, headers.get(t));
            OutputTensor tensor = new OutputTensor(layout.tensor(t));
            for (int i = 0; i < tensor.size(); i++) {
                double w = TensorLayout.element(base, layout.tensor(t), i);
                tensor.set(i, w + factor * (TensorLayout.element(update, headers.get(t), i) - w));
            }
            clipped.addTensors(tensor.bytes());
        }
        return new Clipped(clipped.build(), norm, factor < 1);
    }

    /** The standard deviation of the noise: {@code noiseMultiplier * clippingNorm / numSampledClients}. */
    public static double noiseStdDev(double noiseMultiplier, double clippingNorm, int numSampledClients) {
        return noiseMultiplier * clippingNorm / numSampledClients;
    }

    /** {@code model} with N(0, stdDev²) noise added to every element, tensor by tensor in order, in C order. */
    public static Parameters addNoise(Parameters model, double stdDev, RandomGenerator random) {
        TensorLayout layout = TensorLayout.of(model);
        Parameters.Builder noisy = Parameters.newBuilder().setTensorType(ParametersCodec.NUMPY_TENSOR_TYPE);
        for (int t = 0; t < layout.size(); t++) {
            ByteBuffer data = TensorLayout.data(model, t, layout.tensor(t));
            OutputTensor tensor = new OutputTensor(layout.tensor(t));
            for (int i = 0; i < tensor.size(); i++) {
                tensor.set(i, TensorLayout.element(data, layout.tensor(t), i) + stdDev * random.nextGaussian());
            }
            noisy.addTensors(tensor.bytes());
        }
        return noisy.build();
    }
}
