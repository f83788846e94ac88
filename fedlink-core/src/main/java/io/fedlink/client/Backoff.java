package io.fedlink.client;

import io.fedlink.InvalidSettingException;
import io.fedlink.Setting;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How a {@link ClientRunner} spaces its reconnect attempts: exponential backoff with jitter, bounded by a number of
 * failed attempts in a row.
 *
 * <p>The delay before retry {@code n} (0-based, counted since the last successful session) is drawn uniformly from
 * {@code (base * (1 - jitter), base]} with {@code base = min(max, initial * multiplier^n)}: {@code jitter = 1} is
 * "full jitter" (anywhere between 0 and the base), {@code jitter = 0.5} is "equal jitter" (at least half the base),
 * {@code jitter = 0} is plain exponential backoff. Jitter keeps a fleet of clients from reconnecting in lock-step
 * after a coordinator restart.
 *
 * @param initial     base delay of the first retry
 * @param max         largest base delay
 * @param multiplier  growth of the base delay per retry, at least 1
 * @param jitter      share of the base delay that is randomised, 0 to 1
 * @param maxAttempts connection attempts in a row that may end without a single instruction before the runner
 *                    gives up; 0 never gives up
 * @throws InvalidSettingException if a value cannot work, naming its {@link Setting}
 */
public record Backoff(Duration initial, Duration max, double multiplier, double jitter, int maxAttempts) {

    public Backoff {
        if (initial == null || initial.isNegative() || initial.isZero()) {
            throw new InvalidSettingException(Setting.RECONNECT_INITIAL_BACKOFF, initial, "must be positive");
        }
        if (max == null || max.compareTo(initial) < 0) {
            throw new InvalidSettingException(Setting.RECONNECT_MAX_BACKOFF, max,
                    "must not be less than the initial backoff (" + initial + ")");
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new InvalidSettingException(Setting.RECONNECT_MULTIPLIER, multiplier,
                    "must be a finite number of at least 1.0");
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new InvalidSettingException(Setting.RECONNECT_JITTER, jitter,
                    "must be between 0.0 (none) and 1.0 (full jitter)");
        }
        if (maxAttempts < 0) {
            throw new InvalidSettingException(Setting.RECONNECT_MAX_ATTEMPTS, maxAttempts,
                    "must be 0 (never give up) or more");
        }
    }

    /** 1 s initial, 30 s max, multiplier 2, equal jitter (0.5), give up after 10 failed attempts in a row. */
    public static Backoff defaults() {
        return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0, 0.5, 10);
    }

    /**
     * The base delay (before jitter) of retry {@code retry}: {@code min(max, initial * multiplier^retry)}.
     *
     * @param retry 0 for the first retry after a failure, counting up while failures continue
     */
    public Duration baseDelay(int retry) {
        if (retry < 0) {
            throw new IllegalArgumentException("retry must be 0 or more, was " + retry);
        }
        double nanos = initial.toNanos() * Math.pow(multiplier, retry);
        return nanos >= max.toNanos() ? max : Duration.ofNanos((long) nanos);
    }

    /**
     * The delay before retry {@code retry}: {@link #baseDelay(int)} less a random share of up to {@code jitter}
     * of it. Pure: the only source of randomness is {@code random}.
     */
    public Duration delay(int retry, RandomGenerator random) {
        long base = baseDelay(retry).toNanos();
        double cut = base * jitter * random.nextDouble();
        return Duration.ofNanos(base - (long) cut);
    }

    /** Whether {@code failedAttempts} failed attempts in a row exhaust this bound. */
    public boolean isExhausted(int failedAttempts) {
        return maxAttempts > 0 && failedAttempts >= maxAttempts;
    }
}
