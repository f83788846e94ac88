package io.fedlink.wire;

import com.google.protobuf.ByteString;
import io.fedlink.proto.Scalar;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Flower's config and metrics values ({@code map<string, Scalar>}) to and from plain Java values, so code never
 * builds a {@link Scalar} by hand. The mapping is Flower's own ({@code flwr.common.serde}): a Java
 * {@code Double}/{@code Float} is a {@code double}, an {@code Integer}/{@code Long}/{@code Short}/{@code Byte} a
 * {@code sint64}, a {@code Boolean} a {@code bool}, a {@code String} a {@code string}, a {@code byte[]} or
 * {@link ByteString} a {@code bytes}; a non-negative {@link BigInteger} beyond {@code Long.MAX_VALUE} (up to 2^64-1)
 * a {@code uint64}.
 *
 * <pre>{@code
 * Map<String, Scalar> config = Scalars.of(Map.of("learning_rate", 0.05, "local_epochs", 2, "round", round));
 * double learningRate = (Double) Scalars.toJava(ins.getConfigMap()).get("learning_rate");
 * }</pre>
 */
public final class Scalars {

    private static final BigInteger MAX_UINT64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private Scalars() {
    }

    /**
     * Flower config values for {@code values}, in the map's iteration order.
     *
     * @throws IllegalArgumentException naming the key if a value is {@code null} or of a type Flower has no scalar for
     */
    public static Map<String, Scalar> of(Map<String, ?> values) {
        Map<String, Scalar> scalars = new LinkedHashMap<>();
        values.forEach((key, value) -> scalars.put(Objects.requireNonNull(key, "config key"), of(key, value)));
        return Collections.unmodifiableMap(scalars);
    }

    /**
     * The Flower scalar for one value.
     *
     * @param key names the value in the error message
     * @throws IllegalArgumentException if {@code value} is {@code null} or of a type Flower has no scalar for
     */
    public static Scalar of(String key, Object value) {
        Scalar.Builder scalar = Scalar.newBuilder();
        if (value instanceof Double || value instanceof Float) {
            return scalar.setDouble(((Number) value).doubleValue()).build();
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return scalar.setSint64(((Number) value).longValue()).build();
        }
        if (value instanceof BigInteger big) {
            if (big.signum() >= 0 && big.compareTo(MAX_UINT64) <= 0) {
                return big.bitLength() < 64 ? scalar.setSint64(big.longValue()).build() : scalar.setUint64(big.longValue()).build();
            }
            throw new IllegalArgumentException("Config value '" + key + "' = " + big + " is outside Flower's integer range"
                    + " (a signed or unsigned 64-bit integer)");
        }
        if (value instanceof Boolean bool) {
            return scalar.setBool(bool).build();
        }
        if (value instanceof String string) {
            return scalar.setString(string).build();
        }
        if (value instanceof byte[] bytes) {
            return scalar.setBytes(ByteString.copyFrom(bytes)).build();
        }
        if (value instanceof ByteString bytes) {
            return scalar.setBytes(bytes).build();
        }
        throw new IllegalArgumentException("Config value '" + key + "' is " + (value == null ? "null"
                : "a " + value.getClass().getName()) + "; Flower config values are double, long/int, boolean, String or"
                + " byte[]");
    }

    /**
     * Plain Java values for Flower scalars: {@code Double}, {@code Long} ({@code sint64}, and {@code uint64} up to
     * {@code Long.MAX_VALUE}; larger {@code uint64} values are {@link BigInteger}s), {@code Boolean}, {@code String},
     * {@code byte[]}. A scalar with no value set is skipped.
     */
    public static Map<String, Object> toJava(Map<String, Scalar> scalars) {
        Map<String, Object> values = new LinkedHashMap<>();
        scalars.forEach((key, scalar) -> {
            Object value = toJava(scalar);
            if (value != null) {
                values.put(key, value);
            }
        });
        return Collections.unmodifiableMap(values);
    }

    /** The plain Java value of one scalar, or {@code null} if it has none set. */
    public static Object toJava(Scalar scalar) {
        return switch (scalar.getScalarCase()) {
            case DOUBLE -> scalar.getDouble();
            case SINT64 -> scalar.getSint64();
            case UINT64 -> scalar.getUint64() >= 0 ? (Object) scalar.getUint64()
                    : new BigInteger(Long.toUnsignedString(scalar.getUint64()));
            case BOOL -> scalar.getBool();
            case STRING -> scalar.getString();
            case BYTES -> scalar.getBytes().toByteArray();
            case SCALAR_NOT_SET -> null;
        };
    }
}
