package io.fedlink.coordinator;

import com.google.protobuf.ByteString;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import io.fedlink.server.ClientUpdateRejectedException;
import io.fedlink.tensor.DType;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.Npy;
import io.fedlink.tensor.NpyFold;
import io.fedlink.tensor.NpyFormatException;
import io.fedlink.tensor.NpyHeader;
import io.fedlink.tensor.ParametersCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * Federated averaging: the mean of the clients' model updates weighted by their {@code num_examples},
 * computed on arrival. Each {@link #add} folds one update into running sums (one model-sized accumulator:
 * float32 tensors sum in float32, as NumPy does in Flower's FedAvg, every other dtype in double) and keeps no reference to it, so memory stays at about one model plus the update
 * being added, however many clients there are. The result has each tensor's input dtype (float32 stays
 * float32; integer tensors are rounded).
 *
 * <p>Every update must have the same number of tensors with the same dtypes and shapes: those of the global
 * model given to {@link #FedAvg(Parameters)}, or else those of the first update accepted. An update that
 * differs is rejected as a whole with a {@link ClientUpdateRejectedException} naming the client and the
 * tensor, and the sums are left as they were. Thread-safe; meant to be fed from a
 * {@link FanOut#stream} handler.
 */
public final class FedAvg {

    private List<NpyHeader> layout;
    private String layoutSource;
    private TensorSum[] sums;
    private long totalExamples;
    private int updates;

    /** An aggregator that takes its expected tensor layout from the first update accepted. */
    public FedAvg() {
    }

    /**
     * An aggregator whose updates must match the layout (tensor count, dtypes, shapes) of {@code globalModel}.
     *
     * @throws NpyFormatException if the global model's tensors are not readable {@code .npy} arrays
     */
    public FedAvg(Parameters globalModel) {
        ParametersCodec.requireNumpy(globalModel);
        List<NpyHeader> headers = new ArrayList<>(globalModel.getTensorsCount());
        for (int i = 0; i < globalModel.getTensorsCount(); i++) {
            try {
                headers.add(Npy.readHeader(globalModel.getTensors(i)));
            } catch (NpyFormatException e) {
                throw new NpyFormatException("Global model tensor " + i + ": " + e.getMessage(), e);
            }
        }
        start(headers, "the global model");
    }

    /**
     * Adds the parameters of a {@code fit_res}, weighted by its {@code num_examples}.
     *
     * @throws ClientUpdateRejectedException if the update cannot be used; nothing is added then
     */
    public void add(String clientId, ClientMessage.FitRes fitRes) {
        add(clientId, fitRes.getParameters(), fitRes.getNumExamples());
    }

    /**
     * Adds one client's model, weighted by {@code numExamples}.
     *
     * @throws ClientUpdateRejectedException if {@code numExamples} is not positive, a tensor is not a readable
     *                                       {@code .npy} array, or the layout differs; nothing is added then
     */
    public synchronized void add(String clientId, Parameters update, long numExamples) {
        if (numExamples <= 0) {
            throw new ClientUpdateRejectedException(clientId, "Update from client " + clientId + " rejected: num_examples is "
                    + numExamples + ", but FedAvg weights each update by it and needs it positive");
        }
        List<NpyHeader> headers = readHeaders(clientId, update);
        if (layout == null) {
            start(headers, "the first accepted update (client " + clientId + ")");
        } else {
            checkLayout(clientId, headers);
        }
        for (int t = 0; t < headers.size(); t++) {
            accumulate(sums[t], headers.get(t), update.getTensors(t), numExamples);
        }
        totalExamples += numExamples;
        updates++;
    }

    /** How many updates were added. */
    public synchronized int updates() {
        return updates;
    }

    /** The sum of the added updates' {@code num_examples}. */
    public synchronized long totalExamples() {
        return totalExamples;
    }

    /**
     * The weighted average as {@code .npy} parameters.
     *
     * @throws IllegalStateException if no update was added
     */
    public synchronized Parameters result() {
        requireUpdates();
        // One tensor at a time: at most the sums, one averaged tensor and its encoding are alive together.
        Parameters.Builder result = Parameters.newBuilder().setTensorType(ParametersCodec.NUMPY_TENSOR_TYPE);
        for (int t = 0; t < layout.size(); t++) {
            result.addTensors(com.google.protobuf.UnsafeByteOperations.unsafeWrap(Npy.write(mean(t))));
        }
        return result.build();
    }

    /**
     * The weighted average as arrays, each with the dtype and shape of the inputs.
     *
     * @throws IllegalStateException if no update was added
     */
    public synchronized List<NdArray> resultArrays() {
        requireUpdates();
        List<NdArray> arrays = new ArrayList<>(layout.size());
        for (int t = 0; t < layout.size(); t++) {
            arrays.add(mean(t));
        }
        return arrays;
    }

    private void requireUpdates() {
        if (updates == 0) {
            throw new IllegalStateException("FedAvg has no updates to average: no client's fit_res was accepted");
        }
    }

    /** Tensor {@code t} of the weighted average, written straight from the sums. */
    private NdArray mean(int t) {
        TensorSum sum = sums[t];
        NpyHeader header = layout.get(t);
        return NdArray.generate(header.dtype(), header.shape(), i -> sum.get(i) / totalExamples);
    }

    private void start(List<NpyHeader> headers, String source) {
        layout = List.copyOf(headers);
        layoutSource = source;
        sums = new TensorSum[headers.size()];
        for (int t = 0; t < headers.size(); t++) {
            sums[t] = new TensorSum(headers.get(t));
        }
    }

    private static List<NpyHeader> readHeaders(String clientId, Parameters update) {
        try {
            ParametersCodec.requireNumpy(update);
        } catch (NpyFormatException e) {
            throw new ClientUpdateRejectedException(clientId, "Update from client " + clientId + " rejected: " + e.getMessage(), e);
        }
        List<NpyHeader> headers = new ArrayList<>(update.getTensorsCount());
        for (int t = 0; t < update.getTensorsCount(); t++) {
            try {
                headers.add(Npy.readHeader(update.getTensors(t)));
            } catch (NpyFormatException e) {
                throw new ClientUpdateRejectedException(clientId, "Update from client " + clientId + " rejected: tensor " + t
                        + ": " + e.getMessage(), e);
            }
        }
        return headers;
    }

    private void checkLayout(String clientId, List<NpyHeader> headers) {
        if (headers.size() != layout.size()) {
            throw new ClientUpdateRejectedException(clientId, "Update from client " + clientId + " rejected: it has "
                    + headers.size() + " tensors, expected " + layout.size() + " as in " + layoutSource);
        }
        for (int t = 0; t < headers.size(); t++) {
            if (!headers.get(t).sameLayout(layout.get(t))) {
                throw new ClientUpdateRejectedException(clientId, "Update from client " + clientId + " rejected: tensor " + t
                        + " is " + headers.get(t).describe() + ", expected " + layout.get(t).describe() + " as in " + layoutSource);
            }
        }
    }

    /**
     * The running weighted sum of one tensor. A float32 tensor sums in float32, which keeps the accumulator the size
     * of the model (the coordinator's peak memory is dominated by it) and matches Flower's NumPy FedAvg; every other
     * dtype sums in double.
     */
    private static final class TensorSum {
        private final float[] floats;
        private final double[] doubles;

        TensorSum(NpyHeader header) {
            boolean float32 = header.dtype() == DType.FLOAT32;
            this.floats = float32 ? new float[header.size()] : null;
            this.doubles = float32 ? null : new double[header.size()];
        }

        double get(int i) {
            return floats != null ? floats[i] : doubles[i];
        }
    }

    /** Folds one tensor straight from its bytes, wherever they are (a heap array or the transport's buffers). */
    private static void accumulate(TensorSum tensorSum, NpyHeader header, ByteString tensor, long weight) {
        if (tensorSum.floats != null) {
            NpyFold.addScaled(tensor, header, (float) weight, tensorSum.floats);
        } else {
            NpyFold.addScaled(tensor, header, (double) weight, tensorSum.doubles);
        }
    }
}
