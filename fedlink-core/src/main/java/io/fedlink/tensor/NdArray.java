package io.fedlink.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * An immutable n-dimensional array in C (row-major) order: a {@link DType}, a shape and the elements.
 * A shape of length 0 is a scalar (one element); a 0 in any dimension makes an empty array. Elements are
 * addressed by their flat index in C order. Factories copy their input and accessors return copies, so an
 * instance can be shared between threads freely.
 *
 * <pre>{@code
 * NdArray weights = NdArray.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3); // float32, shape (2, 3)
 * NdArray bias = NdArray.of(new double[] {0.5});                     // float64, shape (1,)
 * NdArray step = NdArray.scalar(7L);                                 // int64, shape ()
 * }</pre>
 */
public final class NdArray {

    /** The largest data size a Java byte array holds on common JVMs. */
    static final int MAX_BYTES = Integer.MAX_VALUE - 8;

    private final DType dtype;
    private final long[] shape;
    private final byte[] data; // little-endian, C order, never exposed

    private NdArray(DType dtype, long[] shape, byte[] data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
    }

    /** Wraps little-endian data without copying; the caller hands over ownership of {@code data}. */
    static NdArray wrap(DType dtype, long[] shape, byte[] data) {
        return new NdArray(dtype, shape, data);
    }

    /**
     * A float32 array. With no {@code shape} the array is one-dimensional, {@code (values.length,)}.
     *
     * @throws IllegalArgumentException if the shape does not hold exactly {@code values.length} elements
     */
    public static NdArray of(float[] values, long... shape) {
        long[] dims = shapeFor(values.length, shape);
        ByteBuffer buffer = allocate(DType.FLOAT32, values.length);
        buffer.asFloatBuffer().put(values);
        return new NdArray(DType.FLOAT32, dims, buffer.array());
    }

    /** A float64 array; see {@link #of(float[], long...)} for the shape rule. */
    public static NdArray of(double[] values, long... shape) {
        long[] dims = shapeFor(values.length, shape);
        ByteBuffer buffer = allocate(DType.FLOAT64, values.length);
        buffer.asDoubleBuffer().put(values);
        return new NdArray(DType.FLOAT64, dims, buffer.array());
    }

    /** An int32 array; see {@link #of(float[], long...)} for the shape rule. */
    public static NdArray of(int[] values, long... shape) {
        long[] dims = shapeFor(values.length, shape);
        ByteBuffer buffer = allocate(DType.INT32, values.length);
        buffer.asIntBuffer().put(values);
        return new NdArray(DType.INT32, dims, buffer.array());
    }

    /** An int64 array; see {@link #of(float[], long...)} for the shape rule. */
    public static NdArray of(long[] values, long... shape) {
        long[] dims = shapeFor(values.length, shape);
        ByteBuffer buffer = allocate(DType.INT64, values.length);
        buffer.asLongBuffer().put(values);
        return new NdArray(DType.INT64, dims, buffer.array());
    }

    /** A float32 scalar, shape {@code ()}. */
    public static NdArray scalar(float value) {
        return of(new float[] {value}).reshape();
    }

    /** A float64 scalar, shape {@code ()}. */
    public static NdArray scalar(double value) {
        return of(new double[] {value}).reshape();
    }

    /** An int32 scalar, shape {@code ()}. */
    public static NdArray scalar(int value) {
        return of(new int[] {value}).reshape();
    }

    /** An int64 scalar, shape {@code ()}. */
    public static NdArray scalar(long value) {
        return of(new long[] {value}).reshape();
    }

    /** An array of zeros; a {@code shape} of length 0 is a scalar. */
    public static NdArray zeros(DType dtype, long... shape) {
        long[] dims = shape.clone();
        long count = elementCount(dims);
        return new NdArray(dtype, dims, new byte[checkedBytes(dtype, count)]);
    }

    /**
     * An array of {@code dtype} made from double values, converted as NumPy's {@code astype} would for
     * finite values: float32 rounds to nearest, integer types round half away from zero ({@link Math#round})
     * and saturate at the type's range (NaN becomes 0). A {@code shape} of length 0 is a scalar here.
     *
     * @throws IllegalArgumentException if the shape does not hold exactly {@code values.length} elements
     */
    public static NdArray fromDoubles(DType dtype, double[] values, long... shape) {
        long[] dims = shape.clone();
        if (elementCount(dims) != values.length) {
            throw new IllegalArgumentException("shape " + shapeString(dims) + " holds " + elementCount(dims)
                    + " elements but " + values.length + " values were given");
        }
        return generate(dtype, dims, index -> values[index]);
    }

    /**
     * An array whose element {@code i} (in C order) is {@code value.applyAsDouble(i)}, converted as
     * {@link #fromDoubles}: computed values go straight into the array, with no intermediate {@code double[]}.
     */
    public static NdArray generate(DType dtype, long[] shape, java.util.function.IntToDoubleFunction value) {
        long[] dims = shape.clone();
        int count = Math.toIntExact(elementCount(dims));
        ByteBuffer buffer = allocate(dtype, count);
        for (int i = 0; i < count; i++) {
            dtype.put(buffer, i, value.applyAsDouble(i));
        }
        return new NdArray(dtype, dims, buffer.array());
    }

    /** This array with a new shape holding the same number of elements (no copy of the data). */
    public NdArray reshape(long... newShape) {
        long[] dims = newShape.clone();
        if (elementCount(dims) != size()) {
            throw new IllegalArgumentException("cannot reshape " + shapeString(shape) + " (" + size()
                    + " elements) to " + shapeString(dims));
        }
        return new NdArray(dtype, dims, data);
    }

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape; length 0 for a scalar. */
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions (0 for a scalar). */
    public int ndim() {
        return shape.length;
    }

    /** Number of elements (1 for a scalar, 0 for an empty array). */
    public int size() {
        return data.length / dtype.itemSize();
    }

    /** Size of the element data in bytes. */
    public int nbytes() {
        return data.length;
    }

    /** Element at a flat C-order index, widened to double (int64 values beyond 2^53 lose precision). */
    public double getDouble(int index) {
        checkIndex(index);
        ByteBuffer view = view();
        return switch (dtype) {
            case FLOAT32 -> view.getFloat(index * 4);
            case FLOAT64 -> view.getDouble(index * 8);
            case INT32 -> view.getInt(index * 4);
            case INT64 -> view.getLong(index * 8);
            case INT8 -> view.get(index);
            case UINT8 -> Byte.toUnsignedInt(view.get(index));
        };
    }

    /** Element of an integer array at a flat C-order index. */
    public long getLong(int index) {
        requireInteger("getLong");
        checkIndex(index);
        ByteBuffer view = view();
        return switch (dtype) {
            case INT32 -> view.getInt(index * 4);
            case INT64 -> view.getLong(index * 8);
            case INT8 -> view.get(index);
            case UINT8 -> Byte.toUnsignedInt(view.get(index));
            default -> throw new AssertionError(dtype);
        };
    }

    /** The elements of a float32 array. */
    public float[] toFloatArray() {
        require(DType.FLOAT32, "toFloatArray");
        float[] values = new float[size()];
        view().asFloatBuffer().get(values);
        return values;
    }

    /** The elements of any array, widened to double. */
    public double[] toDoubleArray() {
        double[] values = new double[size()];
        if (dtype == DType.FLOAT64) {
            view().asDoubleBuffer().get(values);
        } else {
            for (int i = 0; i < values.length; i++) {
                values[i] = getDouble(i);
            }
        }
        return values;
    }

    /** The elements of an int32, int8 or uint8 array. */
    public int[] toIntArray() {
        if (dtype != DType.INT32 && dtype != DType.INT8 && dtype != DType.UINT8) {
            throw new IllegalStateException("toIntArray() needs an int32, int8 or uint8 array; this one is "
                    + dtype.numpyName() + " (use " + accessorFor(dtype) + ")");
        }
        int[] values = new int[size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (int) getLong(i);
        }
        return values;
    }

    /** The elements of any integer array, widened to long. */
    public long[] toLongArray() {
        requireInteger("toLongArray");
        long[] values = new long[size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = getLong(i);
        }
        return values;
    }

    /** A read-only little-endian view of the element data (C order). */
    public ByteBuffer dataBuffer() {
        return view().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The raw little-endian bytes, not copied: callers inside the package must not modify them. */
    byte[] rawData() {
        return data;
    }

    /** Same dtype, same shape and the same element bytes (so NaN equals an identical NaN). */
    @Override
    public boolean equals(Object other) {
        return other instanceof NdArray that && dtype == that.dtype && Arrays.equals(shape, that.shape)
                && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.hashCode(data));
    }

    /** For example {@code NdArray[float32 (2, 3): 1.0, 2.0, 3.0, 4.0, 5.0, ...]}. */
    @Override
    public String toString() {
        StringJoiner values = new StringJoiner(", ");
        int shown = Math.min(size(), 5);
        for (int i = 0; i < shown; i++) {
            values.add(dtype.isFloatingPoint() ? String.valueOf(getDouble(i)) : String.valueOf(getLong(i)));
        }
        return "NdArray[" + dtype.numpyName() + " " + shapeString(shape) + ": " + values
                + (size() > shown ? ", ..." : "") + "]";
    }

    /** A shape the way NumPy prints it: {@code ()}, {@code (3,)}, {@code (2, 3)}. */
    public static String shapeString(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringJoiner joiner = new StringJoiner(", ", "(", ")");
        for (long dim : shape) {
            joiner.add(Long.toString(dim));
        }
        return joiner.toString();
    }

    /**
     * The number of elements a shape holds.
     *
     * @throws IllegalArgumentException if a dimension is negative or the product overflows a long
     */
    static long elementCount(long[] shape) {
        long count = 1;
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("shape " + shapeString(shape) + " has a negative dimension");
            }
            if (dim == 0) {
                count = 0;
            }
        }
        if (count == 0) {
            return 0;
        }
        try {
            for (long dim : shape) {
                count = Math.multiplyExact(count, dim);
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("shape " + shapeString(shape) + " holds more elements than a long counts");
        }
        return count;
    }

    private static int checkedBytes(DType dtype, long count) {
        if (count > MAX_BYTES / dtype.itemSize()) {
            throw new IllegalArgumentException(count + " " + dtype.numpyName() + " elements do not fit in one Java array (at most "
                    + MAX_BYTES + " bytes)");
        }
        return (int) count * dtype.itemSize();
    }

    private static long[] shapeFor(int length, long[] shape) {
        if (shape.length == 0) {
            return new long[] {length};
        }
        long[] dims = shape.clone();
        long count = elementCount(dims);
        if (count != length) {
            throw new IllegalArgumentException("shape " + shapeString(dims) + " holds " + count + " elements but "
                    + length + " values were given");
        }
        return dims;
    }

    private static ByteBuffer allocate(DType dtype, int count) {
        return ByteBuffer.allocate(checkedBytes(dtype, count)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private ByteBuffer view() {
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void checkIndex(int index) {
        Objects.checkIndex(index, size());
    }

    private void require(DType expected, String accessor) {
        if (dtype != expected) {
            throw new IllegalStateException(accessor + "() needs a " + expected.numpyName() + " array; this one is "
                    + dtype.numpyName() + " (use " + accessorFor(dtype) + ")");
        }
    }

    private void requireInteger(String accessor) {
        if (dtype.isFloatingPoint()) {
            throw new IllegalStateException(accessor + "() needs an integer array; this one is " + dtype.numpyName()
                    + " (use " + accessorFor(dtype) + ")");
        }
    }

    private static String accessorFor(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> "toFloatArray()";
            case FLOAT64 -> "toDoubleArray()";
            case INT32, INT8, UINT8 -> "toIntArray()";
            case INT64 -> "toLongArray()";
        };
    }
}
