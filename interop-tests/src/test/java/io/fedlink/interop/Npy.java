package io.fedlink.interop;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny NumPy {@code .npy} writer and reader for the tests (float32 out; float32/float64 in, C order), kept
 * local so these tests do not depend on fedlink's own codec: they check the bytes against numpy itself.
 */
final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** A decoded array: element type, shape and the raw little-endian data. */
    record Array(String descr, int[] shape, ByteBuffer data) {

        long size() {
            long size = 1;
            for (int dimension : shape) {
                size *= dimension;
            }
            return size;
        }

        double get(long index) {
            return switch (descr) {
                case "<f4" -> data.getFloat(Math.toIntExact(index * 4));
                case "<f8" -> data.getDouble(Math.toIntExact(index * 8));
                default -> throw new IllegalStateException("unsupported dtype " + descr);
            };
        }

        float[] toFloats() {
            float[] values = new float[Math.toIntExact(size())];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) get(i);
            }
            return values;
        }

        @Override
        public String toString() {
            return descr + Arrays.toString(shape);
        }
    }

    /** A float32 array in .npy format version 1.0. */
    static ByteString float32(float[] values, int... shape) {
        ByteBuffer buffer = float32Buffer(values.length, shape);
        for (float value : values) {
            buffer.putFloat(value);
        }
        return ByteString.copyFrom(buffer.flip());
    }

    /** A 1-D float32 array whose element i is {@code i % 251} (easy to check anywhere in a large model). */
    static ByteString float32Pattern(int length) {
        ByteBuffer buffer = float32Buffer(length, length);
        for (int i = 0; i < length; i++) {
            buffer.putFloat(i % 251);
        }
        return ByteString.copyFrom(buffer.flip());
    }

    private static ByteBuffer float32Buffer(int length, int... shape) {
        StringBuilder dims = new StringBuilder();
        for (int dimension : shape) {
            dims.append(dimension).append(',');
        }
        if (shape.length > 1) {
            dims.setLength(dims.length() - 1);
        }
        StringBuilder header = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }");
        // magic (6) + version (2) + header length (2) + header + '\n' is padded to a multiple of 64, as numpy does.
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        byte[] headerBytes = header.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.allocate(10 + headerBytes.length + 4 * length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerBytes.length).put(headerBytes);
        return buffer;
    }

    /** Reads a C-order .npy array (format 1.x or 2.x). */
    static Array read(ByteString bytes) {
        ByteBuffer buffer = bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[6];
        buffer.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IllegalArgumentException("not an .npy file: bad magic");
        }
        int major = buffer.get();
        buffer.get();
        int headerLength = major == 1 ? Short.toUnsignedInt(buffer.getShort()) : buffer.getInt();
        byte[] headerBytes = new byte[headerLength];
        buffer.get(headerBytes);
        String header = new String(headerBytes, StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shape = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shape.find()) {
            throw new IllegalArgumentException("not an .npy header: " + header);
        }
        if (fortran.group(1).equals("True")) {
            throw new IllegalArgumentException("Fortran-order arrays are not supported here: " + header);
        }
        int[] dims = Arrays.stream(shape.group(1).split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
        return new Array(descr.group(1), dims, buffer.slice().order(ByteOrder.LITTLE_ENDIAN));
    }
}
