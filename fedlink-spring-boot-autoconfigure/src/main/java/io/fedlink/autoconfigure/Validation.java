package io.fedlink.autoconfigure;

import java.time.Duration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/** Start-up checks of fedlink settings; each failure names the key. */
final class Validation {

    private Validation() {
    }

    static void atLeast(String key, int value, int min) {
        if (value < min) {
            throw new InvalidConfigurationPropertyValueException(key, value, "must be at least " + min);
        }
    }

    static void positive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new InvalidConfigurationPropertyValueException(key, value, "must be a positive duration such as 30s");
        }
    }

    static void messageSize(String key, DataSize value) {
        if (value == null || value.toBytes() < 1 || value.toBytes() > Integer.MAX_VALUE) {
            throw new InvalidConfigurationPropertyValueException(key, value,
                    "must be between 1B and 2047MB (gRPC limits one message to 2 GiB)");
        }
    }

    static void fraction(String key, Double value) {
        if (value != null && !(value >= 0 && value <= 1)) {
            throw new InvalidConfigurationPropertyValueException(key, value, "must be between 0 and 1");
        }
    }

    static void atLeast(String key, Integer value, int min) {
        if (value != null && value < min) {
            throw new InvalidConfigurationPropertyValueException(key, value, "must be at least " + min);
        }
    }
}
