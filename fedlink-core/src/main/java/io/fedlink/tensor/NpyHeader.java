package io.fedlink.tensor;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * What the header of a {@code .npy} array says, after {@link Npy#readHeader} checked it against the data
 * that follows: the element type, the byte order of the data, the shape and where the data starts.
 * Lets a caller stream over the elements (for example to aggregate them) without copying the array.
 *
 * @param dtype      the element type
 * @param byteOrder  the byte order of the stored elements
 * @param shape      the shape; length 0 for a scalar (do not modify)
 * @param dataOffset offset of the first element from the start of the {@code .npy} bytes
 * @param size       number of elements; exactly {@code size * dtype.itemSize()} data bytes follow the header
 */
public record NpyHeader(DType dtype, ByteOrder byteOrder, long[] shape, int dataOffset, int size) {

    /** Whether another header describes the same dtype and shape (byte order may differ). */
    public boolean sameLayout(NpyHeader other) {
        return dtype == other.dtype && Arrays.equals(shape, other.shape);
    }

    /** For example {@code float32 (2, 3)}. */
    public String describe() {
        return dtype.numpyName() + " " + NdArray.shapeString(shape);
    }
}
