package io.fedlink.tensor;

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
