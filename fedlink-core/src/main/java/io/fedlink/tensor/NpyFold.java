package io.fedlink.tensor;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Folds a {@code .npy} tensor into running sums straight from its bytes ({@code sums[i] += weight * element[i]}),
 * through views of the bytes in the tensor's byte order, without decoding it into an array first: nothing of the
 * tensor's size is allocated. The bytes may lie in one array or in the many buffers of a message parsed in place
 * (where an element can straddle two buffers). The header must be the one {@link Npy#readHeader(ByteString)} read from
 * the same bytes. Stateless and thread-safe; the caller guards its sums.
 */
public final class NpyFold {

    /**
     * Elements copied at a time from the bytes into a small array (bulk, in the tensor's byte order) and folded from
     * there: element-wise reads through a buffer view are several times slower than a copy of 16 KiB, which stays in
     * the CPU's cache, plus a loop over two arrays.
     */
    private static final int SCRATCH_ELEMENTS = 4096;

    private NpyFold() {
    }

    /**
     * Adds {@code weight} times each element of a float32 tensor to {@code sums}, in float32 (as NumPy sums float32
     * arrays).
     *
     * @throws IllegalArgumentException if the tensor is not float32 or {@code sums} is not its size
     */
    public static void addScaled(ByteString npy, NpyHeader header, float weight, float[] sums) {
        if (header.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("a " + header.dtype().numpyName() + " tensor cannot be summed in float32");
        }
        requireSize(header, sums.length);
        float[] scratch = new float[Math.min(header.size(), SCRATCH_ELEMENTS)];
        forEachRun(npy, header, (run, first, count) -> {
            FloatBuffer values = run.asFloatBuffer();
            for (int done = 0; done < count; done += scratch.length) {
                int n = Math.min(scratch.length, count - done);
                values.get(done, scratch, 0, n);
                addScaled(scratch, n, weight, sums, first + done);
            }
        });
    }

    /** {@code sums[at + k] += weight * values[k]} for k below n: a plain loop over arrays, which the JIT vectorises. */
    private static void addScaled(float[] values, int n, float weight, float[] sums, int at) {
        for (int k = 0; k < n; k++) {
            sums[at + k] += weight * values[k];
        }
    }

    private static void addScaled(float[] values, int n, double weight, double[] sums, int at) {
        for (int k = 0; k < n; k++) {
            sums[at + k] += weight * values[k];
        }
    }

    private static void addScaled(double[] values, int n, double weight, double[] sums, int at) {
        for (int k = 0; k < n; k++) {
            sums[at + k] += weight * values[k];
        }
    }

    /**
     * Adds {@code weight} times each element of a tensor of any dtype to {@code sums}, in double.
     *
     * @throws IllegalArgumentException if {@code sums} is not the tensor's size
     */
    public static void addScaled(ByteString npy, NpyHeader header, double weight, double[] sums) {
        requireSize(header, sums.length);
        DType dtype = header.dtype();
        int scratchSize = Math.min(header.size(), SCRATCH_ELEMENTS);
        float[] floats = dtype == DType.FLOAT32 ? new float[scratchSize] : null;
        double[] doubles = dtype == DType.FLOAT64 ? new double[scratchSize] : null;
        forEachRun(npy, header, (run, first, count) -> {
            switch (dtype) {
                case FLOAT32 -> {
                    FloatBuffer values = run.asFloatBuffer();
                    for (int done = 0; done < count; done += floats.length) {
                        int n = Math.min(floats.length, count - done);
                        values.get(done, floats, 0, n);
                        addScaled(floats, n, weight, sums, first + done);
                    }
                }
                case FLOAT64 -> {
                    DoubleBuffer values = run.asDoubleBuffer();
                    for (int done = 0; done < count; done += doubles.length) {
                        int n = Math.min(doubles.length, count - done);
                        values.get(done, doubles, 0, n);
                        addScaled(doubles, n, weight, sums, first + done);
                    }
                }
                case INT32 -> {
                    for (int i = 0; i < count; i++) {
                        sums[first + i] += weight * run.getInt(4 * i);
                    }
                }
                case INT64 -> {
                    for (int i = 0; i < count; i++) {
                        sums[first + i] += weight * run.getLong(8 * i);
                    }
                }
                case INT8 -> {
                    for (int i = 0; i < count; i++) {
                        sums[first + i] += weight * run.get(i);
                    }
                }
                case UINT8 -> {
                    for (int i = 0; i < count; i++) {
                        sums[first + i] += weight * Byte.toUnsignedInt(run.get(i));
                    }
                }
            }
        });
    }

    /** Consecutive whole elements, in a buffer of their byte order starting at position 0. */
    @FunctionalInterface
    private interface Run {
        void accept(ByteBuffer elements, int first, int count);
    }

    /**
     * Hands every element of the tensor's data to {@code run}, in order, as runs of whole elements: one run per buffer
     * the data lies in, and a run of one for an element that straddles two buffers (assembled from both).
     */
    private static void forEachRun(ByteString npy, NpyHeader header, Run run) {
        int itemSize = header.dtype().itemSize();
        ByteOrder order = header.byteOrder();
        long toSkip = header.dataOffset();
        byte[] straddling = new byte[itemSize];
        int carried = 0;
        int next = 0;
        for (ByteBuffer piece : npy.asReadOnlyByteBufferList()) {
            ByteBuffer bytes = piece.slice();
            if (toSkip > 0) {
                int skipped = (int) Math.min(toSkip, bytes.remaining());
                bytes.position(skipped);
                toSkip -= skipped;
            }
            if (carried > 0 && bytes.hasRemaining()) {
                int taken = Math.min(itemSize - carried, bytes.remaining());
                bytes.get(straddling, carried, taken);
                carried += taken;
                if (carried == itemSize) {
                    if (next == header.size()) {
                        throw notTheHeaderOf(header, "more");
                    }
                    run.accept(ByteBuffer.wrap(straddling).order(order), next++, 1);
                    carried = 0;
                }
            }
            int whole = bytes.remaining() / itemSize;
            if (whole > header.size() - next) {
                throw notTheHeaderOf(header, "more");
            }
            if (whole > 0) {
                ByteBuffer elements = bytes.slice().limit(whole * itemSize);
                run.accept(elements.slice().order(order), next, whole);
                next += whole;
                bytes.position(bytes.position() + whole * itemSize);
            }
            if (bytes.hasRemaining()) {
                carried = bytes.remaining();
                bytes.get(straddling, 0, carried);
            }
        }
        if (next != header.size() || carried != 0) {
            throw notTheHeaderOf(header, next + (carried != 0 ? " and " + carried + " stray bytes" : ""));
        }
    }

    private static IllegalArgumentException notTheHeaderOf(NpyHeader header, String held) {
        return new IllegalArgumentException("the header describes " + header.size() + " elements but the bytes hold "
                + held + ": not the header of these bytes");
    }

    private static void requireSize(NpyHeader header, int sums) {
        if (sums != header.size()) {
            throw new IllegalArgumentException("sums hold " + sums + " elements, the tensor " + header.size());
        }
    }
}
