package io.fedlink.strategy.aggregate;

import io.fedlink.proto.Parameters;
import io.fedlink.server.ClientUpdateRejectedException;
import io.fedlink.tensor.DType;
import io.fedlink.tensor.Npy;
import io.fedlink.tensor.NpyFormatException;
import io.fedlink.tensor.NpyHeader;
import io.fedlink.tensor.ParametersCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The tensors every update of a round must have: how many, and each one's dtype and shape, taken from the global
 * model or from the first update accepted. Reads an update's {@code .npy} headers without copying its data (also
 * when its bytes are the many transport buffers of a reply parsed in place), and
 * rejects an update that differs with a message naming the client, the tensor and what was expected. Immutable.
 */
public final class TensorLayout {

    private final List<NpyHeader> tensors;
    private final String source;

    private TensorLayout(List<NpyHeader> tensors, String source) {
        this.tensors = List.copyOf(tensors);
        this.source = source;
    }

    /**
     * The layout of {@code model}.
     *
     * @throws NpyFormatException naming the tensor if one of the model's tensors is not a readable {@code .npy} array
     */
    public static TensorLayout of(Parameters model) {
        ParametersCodec.requireNumpy(model);
        List<NpyHeader> headers = new ArrayList<>(model.getTensorsCount());
        for (int t = 0; t < model.getTensorsCount(); t++) {
            try {
                headers.add(Npy.readHeader(model.getTensors(t)));
            } catch (NpyFormatException e) {
                throw new NpyFormatException("Global model tensor " + t + ": " + e.getMessage(), e);
            }
        }
        return new TensorLayout(headers, "the global model");
    }

    /** The layout of a client's accepted update, whose headers {@link #readUpdate} read. */
    public static TensorLayout ofUpdate(String clientId, List<NpyHeader> headers) {
        return new TensorLayout(headers, "the first accepted update (client " + clientId + ")");
    }

    /**
     * The {@code .npy} headers of every tensor of a client's update.
     *
     * @throws ClientUpdateRejectedException if {@code tensor_type} is not NumPy's or a tensor is not a readable
     *                                       {@code .npy} array
     */
    public static List<NpyHeader> readUpdate(String clientId, Parameters update) {
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

    /**
     * Checks that an update's headers match this layout.
     *
     * @throws ClientUpdateRejectedException naming the first tensor that differs
     */
    public void check(String clientId, List<NpyHeader> headers) {
        if (headers.size() != tensors.size()) {
            throw new ClientUpdateRejectedException(clientId, "Update from client " + clientId + " rejected: it has "
                    + headers.size() + " tensors, expected " + tensors.size() + " as in " + source);
        }
        for (int t = 0; t < headers.size(); t++) {
            if (!headers.get(t).sameLayout(tensors.get(t))) {
                throw new ClientUpdateRejectedException(clientId, "Update from client " + clientId + " rejected: tensor " + t
                        + " is " + headers.get(t).describe() + ", expected " + tensors.get(t).describe() + " as in " + source);
            }
        }
    }

    /** How many tensors. */
    public int size() {
        return tensors.size();
    }

    /** Whether there are no tensors (a model no client could give). */
    public boolean isEmpty() {
        return tensors.isEmpty();
    }

    /** Tensor {@code t}'s header. */
    public NpyHeader tensor(int t) {
        return tensors.get(t);
    }

    /** Elements in all tensors together. */
    public long elements() {
        long total = 0;
        for (NpyHeader tensor : tensors) {
            total += tensor.size();
        }
        return total;
    }

    /**
     * Element {@code i} of a tensor's data as a double, read where {@code header} says it lies in {@code npy} (the
     * whole {@code .npy} bytes, read from position 0, in the header's byte order).
     */
    static double element(ByteBuffer npy, NpyHeader header, int i) {
        int offset = header.dataOffset() + i * header.dtype().itemSize();
        return switch (header.dtype()) {
            case FLOAT32 -> npy.getFloat(offset);
            case FLOAT64 -> npy.getDouble(offset);
            case INT32 -> npy.getInt(offset);
            case INT64 -> npy.getLong(offset);
            case INT8 -> npy.get(offset);
            case UINT8 -> Byte.toUnsignedInt(npy.get(offset));
        };
    }

    /**
     * The bytes of a tensor of {@code update} as a buffer in its byte order, positioned at 0: a view when the bytes
     * lie in one piece, a copy when they lie in several (a reply parsed in place); {@link WeightedMean} folds from
     * the pieces instead.
     */
    static ByteBuffer data(Parameters update, int t, NpyHeader header) {
        return update.getTensors(t).asReadOnlyByteBuffer().slice().order(header.byteOrder());
    }

    /** Whether a tensor of this dtype is accumulated in float32 (as NumPy does in Flower's aggregation). */
    static boolean float32(NpyHeader header) {
        return header.dtype() == DType.FLOAT32;
    }
}
