package io.fedlink.strategy.aggregate;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.fedlink.tensor.DType;
import io.fedlink.tensor.Npy;
import io.fedlink.tensor.NpyHeader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One tensor of an aggregate, written element by element straight into its {@code .npy} bytes: the only copy of the
 * result there is, so an aggregator's output costs one model, not an array plus its encoding.
 */
final class OutputTensor {

    private final ByteBuffer npy;
    private final ByteBuffer data;
    private final DType dtype;
    private final int size;

    /** A tensor with {@code layout}'s dtype and shape, all zeros. */
    OutputTensor(NpyHeader layout) {
        this.dtype = layout.dtype();
        this.size = layout.size();
        this.npy = Npy.allocate(dtype, layout.shape());
        this.data = npy.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Sets element {@code i}, converted to the tensor's dtype as NumPy's {@code astype} would. */
    void set(int i, double value) {
        dtype.put(data, i, value);
    }

    /**
     * Sets elements {@code [from, from + n)} of a float32 tensor from {@code values} in one bulk write.
     *
     * @throws IllegalStateException if the tensor is not float32
     */
    void setFloats(int from, float[] values, int n) {
        if (dtype != DType.FLOAT32) {
            throw new IllegalStateException("float32 elements cannot be written into a " + dtype.numpyName() + " tensor");
        }
        data.asFloatBuffer().put(from, values, 0, n);
    }

    /** Copies element data of the same dtype, little-endian, into elements {@code [from, from + count)}. */
    void copy(ByteBuffer source, int from) {
        data.put(from * dtype.itemSize(), source, source.position(), source.remaining());
    }

    int size() {
        return size;
    }

    /** The {@code .npy} bytes; the tensor must not be written afterwards. */
    ByteString bytes() {
        return UnsafeByteOperations.unsafeWrap(npy.array());
    }
}
