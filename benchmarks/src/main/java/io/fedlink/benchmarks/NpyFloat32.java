package io.fedlink.benchmarks;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Just enough of NumPy's {@code .npy} format (version 1.0, one-dimensional little-endian float32) to build
 * model tensors and read them back without copying. Not fedlink's codec: the benchmark must not depend on
 * the code it measures for its own bookkeeping.
 */
final class NpyFloat32 {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int PREAMBLE = MAGIC.length + 2 + 2;
    private static final int ALIGNMENT = 64;

    private NpyFloat32() {
    }

    /** A tensor of {@code count} floats, every one equal to {@code value}, as {@code .npy} bytes (wrapped, not copied). */
    static ByteString filled(int count, float value) {
        byte[] header = header(count);
        byte[] bytes = new byte[header.length + Math.multiplyExact(count, Float.BYTES)];
        System.arraycopy(header, 0, bytes, 0, header.length);
        FloatBuffer data = ByteBuffer.wrap(bytes, header.length, bytes.length - header.length)
                .slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int i = 0; i < count; i++) {
            data.put(i, value);
        }
        return UnsafeByteOperations.unsafeWrap(bytes);
    }

    /** A tensor holding exactly {@code values}, as {@code .npy} bytes. */
    static ByteString of(float[] values) {
        byte[] header = header(values.length);
        byte[] bytes = new byte[header.length + Math.multiplyExact(values.length, Float.BYTES)];
        System.arraycopy(header, 0, bytes, 0, header.length);
        ByteBuffer.wrap(bytes, header.length, bytes.length - header.length)
                .slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values);
        return UnsafeByteOperations.unsafeWrap(bytes);
    }

    /**
     * A read-only view of the floats in a 1-D {@code <f4} tensor; no copy is made.
     *
     * @throws IllegalArgumentException if the bytes are not a version 1.0, little-endian float32 {@code .npy}
     */
    static FloatBuffer floats(ByteString npy) {
        if (npy.size() < PREAMBLE || !npy.substring(0, MAGIC.length).equals(ByteString.copyFrom(MAGIC))) {
            throw new IllegalArgumentException("not a .npy tensor (magic \\x93NUMPY missing)");
        }
        if (npy.byteAt(6) != 1) {
            throw new IllegalArgumentException("only .npy format version 1.x is read here, got " + npy.byteAt(6));
        }
        int headerLength = (npy.byteAt(8) & 0xff) | (npy.byteAt(9) & 0xff) << 8;
        String header = npy.substring(PREAMBLE, PREAMBLE + headerLength).toString(StandardCharsets.ISO_8859_1);
        if (!header.contains("'descr': '<f4'") || !header.contains("'fortran_order': False")) {
            throw new IllegalArgumentException("expected a C-ordered little-endian float32 tensor, header was " + header.trim());
        }
        ByteBuffer data = npy.substring(PREAMBLE + headerLength).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        return data.asFloatBuffer();
    }

    /** Length in bytes of the {@code .npy} form of {@code count} floats. */
    static long encodedSize(int count) {
        return header(count).length + (long) count * Float.BYTES;
    }

    private static byte[] header(int count) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + count + ",), }";
        int unpadded = PREAMBLE + dict.length() + 1;
        int padding = (ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT;
        String text = dict + " ".repeat(padding) + "\n";
        byte[] header = new byte[PREAMBLE + text.length()];
        System.arraycopy(MAGIC, 0, header, 0, MAGIC.length);
        header[6] = 1;
        header[7] = 0;
        header[8] = (byte) text.length();
        header[9] = (byte) (text.length() >>> 8);
        byte[] textBytes = text.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(textBytes, 0, header, PREAMBLE, textBytes.length);
        return header;
    }
}
