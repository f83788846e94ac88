package io.fedlink.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes NumPy's {@code .npy} format, the bytes {@code numpy.save} writes and {@code numpy.load}
 * reads, which Flower puts in every {@code Parameters.tensors} entry.
 *
 * <p>{@link #write} produces format version 1.0 byte for byte as NumPy 1.24 writes it: the magic string,
 * version {@code 1 0}, a little-endian uint16 header length, the header dict
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} padded with spaces and a final
 * {@code '\n'} so that the data starts at a multiple of 64, then the elements little-endian in C order.
 *
 * <p>{@link #read} accepts versions 1.0, 2.0 and 3.0, the dtypes of {@link DType} in either byte order,
 * any shape (scalar {@code ()}, empty), C order only. Everything it rejects fails with an
 * {@link NpyFormatException} that says what is wrong; the declared data size is checked against the bytes
 * present before anything is allocated, so a lying or hostile header cannot exhaust memory.
 * All methods are stateless and thread-safe.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGNMENT = 64;
    /** NumPy leaves room in the header for the first dimension to grow to this many digits. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    /** NumPy supports at most 64 dimensions (32 before NumPy 2). */
    static final int MAX_DIMENSIONS = 64;
    /** Longest header accepted; NumPy itself refuses headers over 10000 bytes unless told otherwise. */
    private static final int MAX_HEADER_LENGTH = 1 << 20;

    private Npy() {
    }

    /** Encodes an array as {@code .npy} version 1.0 bytes, as {@code numpy.save} would. */
    public static byte[] write(NdArray array) {
        ByteBuffer out = allocate(array.dtype(), array.shape());
        out.put(array.rawData());
        return out.array();
    }

    /**
     * The {@code .npy} version 1.0 bytes of a {@code dtype} array of {@code shape}, header written and elements zero,
     * for writers that compute the elements in place (no second copy of the array): a little-endian buffer over the
     * whole bytes, positioned at the first element; {@code slice()} it to address elements from 0
     * ({@link DType#put}), and hand over {@code array()} when done.
     *
     * @throws NpyFormatException if the array is too large for one byte array or has too many dimensions
     */
    public static ByteBuffer allocate(DType dtype, long... shape) {
        String header = header(dtype, shape);
        int unpadded = MAGIC.length + 2 + 2 + header.length() + 1;
        int padding = ALIGNMENT - (unpadded % ALIGNMENT); // NumPy pads a whole 64 bytes when already aligned
        int headerLength = header.length() + padding + 1;
        long count = NdArray.elementCount(shape);
        if (count > Integer.MAX_VALUE / dtype.itemSize()) {
            throw new NpyFormatException("An array of " + count + " " + dtype.numpyName()
                    + " elements is too large for one .npy byte array");
        }
        ByteBuffer out = ByteBuffer.allocate(checkedTotal(MAGIC.length + 4 + headerLength, (int) count * dtype.itemSize()))
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerLength);
        out.put(header.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < padding; i++) {
            out.put((byte) ' ');
        }
        out.put((byte) '\n');
        return out;
    }

    /**
     * Decodes {@code .npy} bytes.
     *
     * @throws NpyFormatException if the bytes are not a supported {@code .npy} array
     */
    public static NdArray read(byte[] npy) {
        return read(ByteBuffer.wrap(npy));
    }

    /**
     * Decodes the {@code .npy} array between the buffer's position and its limit (the buffer's position is
     * not changed). The data must end exactly at the limit.
     *
     * @throws NpyFormatException if the bytes are not a supported {@code .npy} array
     */
    public static NdArray read(ByteBuffer npy) {
        NpyHeader header = readHeader(npy);
        byte[] data = new byte[header.size() * header.dtype().itemSize()];
        ByteBuffer source = npy.duplicate();
        source.position(npy.position() + header.dataOffset());
        source.get(data);
        if (header.byteOrder() != ByteOrder.LITTLE_ENDIAN) {
            swapBytes(data, header.dtype().itemSize());
        }
        return NdArray.wrap(header.dtype(), header.shape().clone(), data);
    }

    /**
     * Parses and checks the header of the {@code .npy} array between the buffer's position and its limit
     * without reading the data (the buffer's position is not changed). Succeeds only if exactly the number
     * of data bytes the header declares follow it.
     *
     * @throws NpyFormatException if the bytes are not a supported {@code .npy} array
     */
    public static NpyHeader readHeader(ByteBuffer npy) {
        ByteBuffer in = npy.slice().order(ByteOrder.LITTLE_ENDIAN);
        int total = in.remaining();
        if (total < MAGIC.length + 2 || !startsWithMagic(in)) {
            throw new NpyFormatException("Not a .npy array: expected the magic string \\x93NUMPY at the start, found "
                    + preview(in) + describeWhatItIs(in));
        }
        int major = Byte.toUnsignedInt(in.get(6));
        int minor = Byte.toUnsignedInt(in.get(7));
        int lengthBytes;
        if (major == 1 && minor == 0) {
            lengthBytes = 2;
        } else if ((major == 2 || major == 3) && minor == 0) {
            lengthBytes = 4;
        } else {
            throw new NpyFormatException("Unsupported .npy format version " + major + "." + minor
                    + "; fedlink reads versions 1.0, 2.0 and 3.0");
        }
        int prefix = MAGIC.length + 2 + lengthBytes;
        if (total < prefix) {
            throw new NpyFormatException("Truncated .npy array: " + total + " bytes end inside the header length field");
        }
        long headerLength = lengthBytes == 2 ? Short.toUnsignedInt(in.getShort(8)) : Integer.toUnsignedLong(in.getInt(8));
        if (headerLength > MAX_HEADER_LENGTH) {
            throw new NpyFormatException(".npy header length " + headerLength + " is over the " + MAX_HEADER_LENGTH
                    + " bytes fedlink accepts; the bytes are corrupt or not a plain array");
        }
        if (total < prefix + headerLength) {
            throw new NpyFormatException("Truncated .npy array: the header declares " + headerLength + " bytes but only "
                    + (total - prefix) + " follow the header length field");
        }
        byte[] headerBytes = new byte[(int) headerLength];
        in.get(prefix, headerBytes);
        String text = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Map<String, Object> dict = HeaderParser.parse(text);
        if (!dict.keySet().equals(Set.of("descr", "fortran_order", "shape"))) {
            throw new NpyFormatException(".npy header must have exactly the keys 'descr', 'fortran_order' and 'shape', has "
                    + dict.keySet() + ": " + text.strip());
        }
        if (!(dict.get("descr") instanceof String descr)) {
            throw new NpyFormatException(".npy header 'descr' is not a plain dtype string (structured arrays are not supported): "
                    + text.strip());
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortranOrder)) {
            throw new NpyFormatException(".npy header 'fortran_order' must be True or False: " + text.strip());
        }
        if (!(dict.get("shape") instanceof long[] shape)) {
            throw new NpyFormatException(".npy header 'shape' must be a tuple of integers: " + text.strip());
        }
        DType.Parsed parsed = DType.parse(descr);
        long count;
        try {
            count = NdArray.elementCount(shape);
        } catch (IllegalArgumentException e) {
            throw new NpyFormatException(".npy header has an impossible shape: " + e.getMessage());
        }
        if (fortranOrder && shape.length > 1 && count > 1) {
            throw new NpyFormatException(".npy array " + NdArray.shapeString(shape) + " is stored in Fortran order, which fedlink"
                    + " does not read; save a C-ordered copy: numpy.save(f, numpy.ascontiguousarray(array))");
        }
        int dataOffset = prefix + (int) headerLength;
        long available = total - dataOffset;
        int itemSize = parsed.dtype().itemSize();
        if (count > available / itemSize || count * itemSize != available) {
            String declared = count > Long.MAX_VALUE / itemSize ? "more than " + Long.MAX_VALUE : Long.toString(count * itemSize);
            throw new NpyFormatException((count * (double) itemSize > available ? "Truncated .npy array: " : "Malformed .npy array: ")
                    + "the header declares " + descr + " " + NdArray.shapeString(shape) + ", " + declared
                    + " data bytes, but " + available + " bytes follow the header");
        }
        return new NpyHeader(parsed.dtype(), parsed.order(), shape, dataOffset, (int) count);
    }

    private static String header(DType dtype, long[] shape) {
        if (shape.length > MAX_DIMENSIONS) {
            throw new NpyFormatException("Cannot write a " + shape.length + "-dimensional array as .npy; NumPy reads at most "
                    + MAX_DIMENSIONS + " dimensions");
        }
        StringBuilder header = new StringBuilder("{'descr': '").append(dtype.descr())
                .append("', 'fortran_order': False, 'shape': ").append(NdArray.shapeString(shape)).append(", }");
        if (shape.length > 0) {
            header.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length()));
        }
        return header.toString();
    }

    private static int checkedTotal(int headerBytes, int dataBytes) {
        if (dataBytes > NdArray.MAX_BYTES - headerBytes) {
            throw new NpyFormatException("An array of " + dataBytes + " bytes is too large for one .npy byte array");
        }
        return headerBytes + dataBytes;
    }

    private static boolean startsWithMagic(ByteBuffer in) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (in.get(i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static String preview(ByteBuffer in) {
        int n = Math.min(in.remaining(), 8);
        if (n == 0) {
            return "no bytes at all";
        }
        byte[] head = new byte[n];
        in.get(0, head);
        return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(head) + (in.remaining() > n ? " ..." : "")
                + " (" + in.remaining() + " bytes)";
    }

    private static String describeWhatItIs(ByteBuffer in) {
        if (in.remaining() >= 2 && in.get(0) == 'P' && in.get(1) == 'K') {
            return "; this looks like a zip archive (.npz): send each array with numpy.save, not numpy.savez";
        }
        if (in.remaining() >= 1 && (in.get(0) == (byte) 0x80)) {
            return "; this looks like a Python pickle: serialise with numpy.save";
        }
        return "";
    }

    private static void swapBytes(byte[] data, int itemSize) {
        for (int start = 0; start < data.length; start += itemSize) {
            for (int i = 0, j = itemSize - 1; i < j; i++, j--) {
                byte tmp = data[start + i];
                data[start + i] = data[start + j];
                data[start + j] = tmp;
            }
        }
    }

    /**
     * Parses the subset of Python literal syntax a {@code .npy} header uses: a dict with string keys whose
     * values are strings, {@code True}/{@code False}, or tuples of non-negative integers. Lists (structured
     * dtypes) are recognised only to be rejected with a clear message.
     */
    private static final class HeaderParser {
        private final String text;
        private int pos;

        private HeaderParser(String text) {
            this.text = text;
        }

        static Map<String, Object> parse(String text) {
            HeaderParser parser = new HeaderParser(text);
            Map<String, Object> dict = parser.dict();
            parser.skipWhitespace();
            if (parser.pos != text.length()) {
                throw parser.error("unexpected text after the closing '}'");
            }
            return dict;
        }

        private Map<String, Object> dict() {
            skipWhitespace();
            expect('{');
            Map<String, Object> dict = new LinkedHashMap<>();
            while (true) {
                skipWhitespace();
                if (peek() == '}') {
                    pos++;
                    return dict;
                }
                String key = string();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                if (dict.put(key, value()) != null) {
                    throw error("key '" + key + "' appears twice");
                }
                skipWhitespace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw error("expected ',' or '}'");
                }
            }
        }

        private Object value() {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            if (c == '[') {
                throw new NpyFormatException("Unsupported .npy dtype: the header describes a structured array (a list of"
                        + " fields); fedlink reads plain numeric arrays only: " + text.strip());
            }
            if (text.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (text.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            throw error("unsupported value");
        }

        private long[] tuple() {
            expect('(');
            List<Long> dims = new ArrayList<>();
            boolean sawComma = false;
            while (true) {
                skipWhitespace();
                if (peek() == ')') {
                    pos++;
                    break;
                }
                dims.add(integer());
                if (dims.size() > MAX_DIMENSIONS) {
                    throw new NpyFormatException(".npy header has a shape with more than " + MAX_DIMENSIONS
                            + " dimensions: " + abbreviated());
                }
                skipWhitespace();
                if (peek() == ',') {
                    pos++;
                    sawComma = true;
                } else if (peek() != ')') {
                    throw error("expected ',' or ')' in the shape");
                }
            }
            if (dims.size() == 1 && !sawComma) {
                throw error("a one-element shape must be written (n,)");
            }
            long[] shape = new long[dims.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = dims.get(i);
            }
            return shape;
        }

        private long integer() {
            int start = pos;
            if (peek() == '-') {
                throw new NpyFormatException(".npy header has a negative dimension in its shape: " + abbreviated());
            }
            while (pos < text.length() && Character.isDigit(text.charAt(pos)) && text.charAt(pos) < 128) {
                pos++;
            }
            if (start == pos) {
                throw error("expected a dimension (a non-negative integer)");
            }
            String digits = text.substring(start, pos);
            if (peek() == 'L') {
                pos++; // Python 2 long literal, as very old NumPy wrote
            }
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw new NpyFormatException(".npy header has a dimension too large for a long (" + digits + "): "
                        + abbreviated());
            }
        }

        private String string() {
            char quote = peek();
            if (quote != '\'' && quote != '"') {
                throw error("expected a quoted string");
            }
            int end = text.indexOf(quote, pos + 1);
            if (end < 0) {
                throw error("unterminated string");
            }
            String value = text.substring(pos + 1, end);
            if (value.indexOf('\\') >= 0) {
                throw error("escapes in strings are not supported");
            }
            pos = end + 1;
            return value;
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private void skipWhitespace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private NpyFormatException error(String what) {
            return new NpyFormatException("Malformed .npy header at character " + pos + ": " + what + ": " + abbreviated());
        }

        private String abbreviated() {
            String stripped = text.strip();
            return stripped.length() > 200 ? stripped.substring(0, 200) + "..." : stripped;
        }
    }
}
