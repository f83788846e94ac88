package io.fedlink.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Element types fedlink reads and writes, named as NumPy names them. {@link #descr()} is the little-endian
 * {@code descr} fedlink writes ({@code <f4}); reading also accepts big-endian ({@code >f4}) and native
 * ({@code =f4}) descriptors.
 */
public enum DType {

    FLOAT32('f', 4),
    FLOAT64('f', 8),
    INT32('i', 4),
    INT64('i', 8),
    INT8('i', 1),
    UINT8('u', 1);

    private final char kind;
    private final int itemSize;

    DType(char kind, int itemSize) {
        this.kind = kind;
        this.itemSize = itemSize;
    }

    /** Bytes per element. */
    public int itemSize() {
        return itemSize;
    }

    /** Whether this is a floating-point type. */
    public boolean isFloatingPoint() {
        return kind == 'f';
    }

    /** The {@code descr} NumPy writes for this type: {@code <f4}, {@code <i8}, {@code |u1}, ... */
    public String descr() {
        return (itemSize == 1 ? "|" : "<") + kind + itemSize;
    }

    /**
     * Writes {@code value} as element {@code index} of {@code data} (at byte {@code index * itemSize()} from the
     * buffer's start, in the buffer's byte order), converted as NumPy's {@code astype} would for finite values: float32
     * rounds to nearest, integer types round half away from zero and saturate at the type's range (NaN becomes 0).
     */
    public void put(ByteBuffer data, int index, double value) {
        int offset = index * itemSize;
        switch (this) {
            case FLOAT32 -> data.putFloat(offset, (float) value);
            case FLOAT64 -> data.putDouble(offset, value);
            case INT32 -> data.putInt(offset, (int) clamp(Math.round(value), Integer.MIN_VALUE, Integer.MAX_VALUE));
            case INT64 -> data.putLong(offset, Math.round(value));
            case INT8 -> data.put(offset, (byte) clamp(Math.round(value), Byte.MIN_VALUE, Byte.MAX_VALUE));
            case UINT8 -> data.put(offset, (byte) clamp(Math.round(value), 0, 255));
        }
    }

    /** Element {@code index} of {@code data} (in the buffer's byte order), widened to double. */
    public double get(ByteBuffer data, int index) {
        int offset = index * itemSize;
        return switch (this) {
            case FLOAT32 -> data.getFloat(offset);
            case FLOAT64 -> data.getDouble(offset);
            case INT32 -> data.getInt(offset);
            case INT64 -> data.getLong(offset);
            case INT8 -> data.get(offset);
            case UINT8 -> Byte.toUnsignedInt(data.get(offset));
        };
    }

    private static long clamp(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }

    /** NumPy's name of the type ({@code float32}). */
    public String numpyName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A {@code descr} and the byte order its data is stored in. */
    record Parsed(DType dtype, ByteOrder order) {
    }

    /**
     * Parses a NumPy {@code descr} such as {@code <f4}, {@code >i8} or {@code |u1}.
     *
     * @throws NpyFormatException naming the descriptor and the supported ones if it is not supported
     */
    static Parsed parse(String descr) {
        if (descr.length() >= 3) {
            char order = descr.charAt(0);
            String type = descr.substring(1);
            for (DType dtype : values()) {
                if (type.equals(String.valueOf(dtype.kind) + dtype.itemSize)) {
                    ByteOrder byteOrder = switch (order) {
                        case '<' -> ByteOrder.LITTLE_ENDIAN;
                        case '>' -> ByteOrder.BIG_ENDIAN;
                        case '=' -> ByteOrder.nativeOrder();
                        case '|' -> dtype.itemSize == 1 ? ByteOrder.LITTLE_ENDIAN : null;
                        default -> null;
                    };
                    if (byteOrder != null) {
                        return new Parsed(dtype, byteOrder);
                    }
                }
            }
        }
        throw new NpyFormatException("Unsupported .npy dtype '" + descr + "'; fedlink reads "
                + Arrays.stream(values()).map(DType::descr).collect(Collectors.joining(", "))
                + " (and their big-endian '>' forms). Convert the array first, e.g. array.astype('<f4')");
    }
}
