package io.fedlink.strategy.aggregate;

import com.google.protobuf.ByteString;
import io.fedlink.proto.Parameters;
import io.fedlink.server.ClientUpdateRejectedException;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.NpyFold;
import io.fedlink.tensor.NpyHeader;
import io.fedlink.tensor.ParametersCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * The streaming weighted mean (Flower's {@code aggregate}): models folded in one at a time, each weighted by its
 * {@code num_examples}, into one model-sized running sum. {@link #add} folds each tensor straight from its
 * {@code .npy} bytes (little-endian or big-endian float32/float64 views, also across the transport buffers of a
 * reply parsed in place) and keeps no reference to the update, so memory
 * stays at about one model plus the update being added whatever the number of updates: the accumulator of FedAvg
 * and its relatives, and what a relay answers its upstream coordinator with. float32 tensors sum in float32 (as
 * NumPy does in Flower), every other dtype in double; the mean has each tensor's input dtype (integers are rounded).
 *
 * <p>Every update must have the layout ({@link TensorLayout}) of the model given to {@link #WeightedMean(Parameters)}
 * or, when that model has no tensors or none was given, of the first update accepted. An update that differs, has
 * a {@code num_examples} that is not positive, or whose {@code num_examples} would overflow the running total is
 * rejected as a whole ({@link ClientUpdateRejectedException} naming the client) and the sums stay as they were.
 * Thread-safe.
 */
public final class WeightedMean {

    /** Every integer up to 2^24 is exactly a float. */
    private static final long FLOAT_EXACT_INTEGERS = 1L << 24;

    private TensorLayout layout;
    private float[][] floatSums;
    private double[][] doubleSums;
    private long totalWeight;
    private int updates;

    /** A mean that takes its layout from the first update accepted. */
    public WeightedMean() {
    }

    /**
     * A mean whose updates must have {@code model}'s layout; a model without tensors (the empty initial parameters
     * of a client that could not give any) lets the first update accepted set the layout.
     *
     * @throws io.fedlink.tensor.NpyFormatException if a tensor of {@code model} is not a readable {@code .npy} array
     */
    public WeightedMean(Parameters model) {
        TensorLayout of = TensorLayout.of(model);
        if (!of.isEmpty()) {
            start(of);
        }
    }

    /**
     * Folds in one client's model with weight {@code numExamples}.
     *
     * @throws ClientUpdateRejectedException if the update cannot be used; nothing of it is added then
     */
    public synchronized void add(String clientId, Parameters update, long numExamples) {
        long total = ExampleCount.add(clientId, totalWeight, numExamples);
        List<NpyHeader> headers = TensorLayout.readUpdate(clientId, update);
        if (layout == null) {
            start(TensorLayout.ofUpdate(clientId, headers));
        } else {
            layout.check(clientId, headers);
        }
        for (int t = 0; t < headers.size(); t++) {
            accumulate(t, headers.get(t), update.getTensors(t), numExamples);
        }
        totalWeight = total;
        updates++;
    }

    /** How many updates were added. */
    public synchronized int updates() {
        return updates;
    }

    /** The sum of the added updates' weights. */
    public synchronized long totalWeight() {
        return totalWeight;
    }

    /** The layout the updates share, once known. */
    public synchronized TensorLayout layout() {
        return layout;
    }

    /**
     * The mean as {@code .npy} parameters, each tensor written straight into its encoding (at most the sums and
     * the result are alive together).
     *
     * @throws IllegalStateException if no update was added
     */
    public synchronized Parameters result() {
        requireUpdates();
        Parameters.Builder result = Parameters.newBuilder().setTensorType(ParametersCodec.NUMPY_TENSOR_TYPE);
        for (int t = 0; t < layout.size(); t++) {
            OutputTensor tensor = new OutputTensor(layout.tensor(t));
            if (floatSums[t] != null) {
                writeMean(floatSums[t], tensor);
            } else {
                for (int i = 0; i < tensor.size(); i++) {
                    tensor.set(i, meanOf(t, i));
                }
            }
            result.addTensors(tensor.bytes());
        }
        return result.build();
    }

    /**
     * The mean as arrays, each with its input's dtype and shape.
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

    /**
     * Element {@code i} of tensor {@code t} of the mean, in double, before it is cast to the tensor's dtype: for
     * strategies that compute on the mean (server-side optimizers) without materialising it.
     */
    public synchronized double meanElement(int t, int i) {
        requireUpdates();
        return meanOf(t, i);
    }

    /**
     * A float32 tensor's mean, a chunk at a time: each element divided as {@link #meanOf} divides it, then the chunk
     * written in bulk (element-wise writes through a buffer cost several times more).
     */
    private void writeMean(float[] sum, OutputTensor tensor) {
        float[] chunk = new float[Math.min(sum.length, 4096)];
        for (int from = 0; from < sum.length; from += chunk.length) {
            int n = Math.min(chunk.length, sum.length - from);
            if (totalWeight <= FLOAT_EXACT_INTEGERS) {
                divide(sum, from, (float) totalWeight, chunk, n);
            } else {
                double total = totalWeight;
                for (int k = 0; k < n; k++) {
                    chunk[k] = (float) (sum[from + k] / total);
                }
            }
            tensor.setFloats(from, chunk, n);
        }
    }

    /**
     * {@code quotients[k] = sums[from + k] / total} in float32, a loop the JIT vectorises. The same floats as dividing
     * in double and rounding to float ({@link #meanOf}): both operands are exact floats, and double's 53 bits are
     * more than twice float's 24 plus 2, so rounding the double quotient to float rounds the exact quotient once.
     */
    private static void divide(float[] sums, int from, float total, float[] quotients, int n) {
        for (int k = 0; k < n; k++) {
            quotients[k] = sums[from + k] / total;
        }
    }

    private double meanOf(int t, int i) {
        return floatSums[t] != null ? floatSums[t][i] / (double) totalWeight : doubleSums[t][i] / totalWeight;
    }

    private void requireUpdates() {
        if (updates == 0) {
            throw new IllegalStateException("The weighted mean has no updates: no client's fit_res was accepted");
        }
    }

    private NdArray mean(int t) {
        NpyHeader header = layout.tensor(t);
        double total = totalWeight;
        if (floatSums[t] != null) {
            float[] sum = floatSums[t];
            return NdArray.generate(header.dtype(), header.shape(), i -> sum[i] / total);
        }
        double[] sum = doubleSums[t];
        return NdArray.generate(header.dtype(), header.shape(), i -> sum[i] / total);
    }

    private void start(TensorLayout of) {
        layout = of;
        floatSums = new float[of.size()][];
        doubleSums = new double[of.size()][];
        for (int t = 0; t < of.size(); t++) {
            NpyHeader header = of.tensor(t);
            if (TensorLayout.float32(header)) {
                floatSums[t] = new float[header.size()];
            } else {
                doubleSums[t] = new double[header.size()];
            }
        }
    }

    /**
     * Folds one tensor straight from its bytes, wherever they lie (one heap array, or the transport's buffers of a
     * reply parsed in place): no tensor-sized decode or copy.
     */
    private void accumulate(int t, NpyHeader header, ByteString tensor, long weight) {
        if (floatSums[t] != null) {
            NpyFold.addScaled(tensor, header, (float) weight, floatSums[t]);
        } else {
            NpyFold.addScaled(tensor, header, (double) weight, doubleSums[t]);
        }
    }
}
