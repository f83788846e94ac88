package io.fedlink.strategy.aggregate;

import io.fedlink.proto.Parameters;
import io.fedlink.server.ClientUpdateRejectedException;
import io.fedlink.tensor.NpyHeader;
import io.fedlink.tensor.ParametersCodec;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * q-Fair aggregation (Flower's {@code aggregate_qffl} with QFedAvg's deltas and Lipschitz estimates), streamed: with
 * {@code w} the round's starting model, {@code g_k = (w - w_k) / lr} and the loss {@code L} of {@code w},
 * {@code Δ_k = L^q g_k}, {@code h_k = q L^(q-1) ||g_k||² + L^q / lr}, and the new model is
 * {@code w - Σ Δ_k / Σ h_k}. Since {@code L} is the same for every client, {@link #add} only folds {@code w - w_k} into
 * one model-sized sum and {@code ||g_k||²} into a number; {@link #result} applies {@code L}. Not thread-safe.
 */
public final class FairAggregate {

    private final Parameters current;
    private final TensorLayout layout;
    private final List<NpyHeader> currentHeaders;
    private final double learningRate;
    private final double[][] differences;
    private double squaredGradientNorms;
    private int updates;

    /** An aggregate of updates relative to {@code current}, whose gradients are scaled by {@code 1 / learningRate}. */
    public FairAggregate(Parameters current, double learningRate) {
        this.current = current;
        this.layout = TensorLayout.of(current);
        this.currentHeaders = TensorLayout.readUpdate("the global model", current);
        this.learningRate = learningRate;
        this.differences = ServerStep.zeros(layout);
    }

    /**
     * Folds in one client's model.
     *
     * @throws ClientUpdateRejectedException if it does not have the starting model's layout, or there is no starting
     *                                       model (empty initial parameters)
     */
    public void add(String clientId, Parameters update) {
        if (layout.isEmpty()) {
            throw new ClientUpdateRejectedException(clientId, "Update from client " + clientId + " rejected: q-fair"
                    + " aggregation compares updates with the round's starting model, and the initial parameters are empty");
        }
        List<NpyHeader> headers = TensorLayout.readUpdate(clientId, update);
        layout.check(clientId, headers);
        double norm = 0;
        for (int t = 0; t < layout.size(); t++) {
            ByteBuffer base = TensorLayout.data(current, t, currentHeaders.get(t));
            ByteBuffer model = TensorLayout.data(update, t, headers.get(t));
            for (int i = 0; i < differences[t].length; i++) {
                double difference = TensorLayout.element(base, currentHeaders.get(t), i)
                        - TensorLayout.element(model, headers.get(t), i);
                differences[t][i] += difference;
                norm += difference * difference;
            }
        }
        squaredGradientNorms += norm / (learningRate * learningRate);
        updates++;
    }

    /** How many updates were folded in. */
    public int updates() {
        return updates;
    }

    /**
     * The new model.
     *
     * @param loss the loss of the round's starting model
     * @param q    the fairness parameter q
     */
    public Parameters result(double loss, double q) {
        double shifted = loss + 1e-10;
        double lossQ = Math.pow(shifted, q);
        double h = q * Math.pow(shifted, q - 1) * squaredGradientNorms + updates * lossQ / learningRate;
        double scale = lossQ / learningRate / h;
        Parameters.Builder next = Parameters.newBuilder().setTensorType(ParametersCodec.NUMPY_TENSOR_TYPE);
        for (int t = 0; t < layout.size(); t++) {
            ByteBuffer base = TensorLayout.data(current, t, currentHeaders.get(t));
            OutputTensor tensor = new OutputTensor(layout.tensor(t));
            for (int i = 0; i < tensor.size(); i++) {
                tensor.set(i, TensorLayout.element(base, currentHeaders.get(t), i) - scale * differences[t][i]);
            }
            next.addTensors(tensor.bytes());
        }
        return next.build();
    }
}
