package io.fedlink.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fedlink.InvalidSettingException;
import io.fedlink.Setting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class BackoffTests {

    private static final Duration MS_100 = Duration.ofMillis(100);
    private static final Duration MS_1000 = Duration.ofMillis(1000);

    @Test
    void withoutJitterTheDelayGrowsByTheMultiplierUpToTheMax() {
        Backoff backoff = new Backoff(MS_100, MS_1000, 2.0, 0.0, 0);

        assertThat(delays(backoff, 7, new Random(1)))
                .containsExactly(ms(100), ms(200), ms(400), ms(800), ms(1000), ms(1000), ms(1000));
    }

    @Test
    void aFractionalMultiplierIsApplied() {
        Backoff backoff = new Backoff(MS_100, MS_1000, 1.5, 0.0, 0);

        assertThat(delays(backoff, 4, new Random(1))).containsExactly(ms(100), ms(150), ms(225), Duration.ofNanos(337_500_000));
    }

    @Test
    void jitterTakesUpToItsShareOffTheBaseDelay() {
        Backoff equalJitter = new Backoff(MS_100, MS_1000, 2.0, 0.5, 0);
        Backoff fullJitter = new Backoff(MS_100, MS_1000, 2.0, 1.0, 0);

        // nextDouble() = 0 takes nothing off; 0.5 takes half of the jitter share off.
        assertThat(equalJitter.delay(2, fixed(0.0))).isEqualTo(ms(400));
        assertThat(equalJitter.delay(2, fixed(0.5))).isEqualTo(ms(300));
        assertThat(fullJitter.delay(2, fixed(0.5))).isEqualTo(ms(200));
        assertThat(fullJitter.delay(10, fixed(0.25))).isEqualTo(ms(750));
    }

    @Test
    void aSeededRandomGivesTheSameSequenceAndEveryDelayStaysInItsJitterWindow() {
        Backoff equalJitter = new Backoff(MS_100, MS_1000, 2.0, 0.5, 0);
        Backoff fullJitter = new Backoff(MS_100, MS_1000, 2.0, 1.0, 0);

        List<Duration> equal = delays(equalJitter, 50, new Random(42));
        List<Duration> full = delays(fullJitter, 50, new Random(42));

        assertThat(delays(equalJitter, 50, new Random(42))).isEqualTo(equal);
        assertThat(delays(equalJitter, 50, new Random(43))).isNotEqualTo(equal);
        for (int retry = 0; retry < 50; retry++) {
            Duration base = equalJitter.baseDelay(retry);
            assertThat(equal.get(retry)).isLessThanOrEqualTo(base).isGreaterThan(base.dividedBy(2));
            assertThat(full.get(retry)).isLessThanOrEqualTo(base).isGreaterThan(Duration.ZERO);
        }
        assertThat(equal).as("jitter spreads the delays").doesNotHaveDuplicates();
    }

    @Test
    void hugeRetryCountsStayAtTheMaxWithoutOverflow() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(2), 10.0, 0.0, 0);

        assertThat(backoff.baseDelay(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(2));
        assertThat(backoff.delay(5000, new Random(7))).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void theBoundIsExhaustedAfterMaxAttemptsAndZeroNeverGivesUp() {
        Backoff three = new Backoff(MS_100, MS_1000, 2.0, 0.5, 3);
        Backoff forever = new Backoff(MS_100, MS_1000, 2.0, 0.5, 0);

        assertThat(three.isExhausted(2)).isFalse();
        assertThat(three.isExhausted(3)).isTrue();
        assertThat(forever.isExhausted(Integer.MAX_VALUE)).isFalse();
    }

    @Test
    void defaultsAreValidAndBounded() {
        Backoff defaults = Backoff.defaults();

        assertThat(defaults.initial()).isEqualTo(Duration.ofSeconds(1));
        assertThat(defaults.max()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.maxAttempts()).isPositive();
    }

    @Test
    void badValuesAreRejectedNamingTheSetting() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, MS_1000, 2.0, 0.5, 1))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.setting())
                        .isEqualTo(Setting.RECONNECT_INITIAL_BACKOFF))
                .hasMessage("Backoff.initial must be positive, was PT0S");
        assertThatThrownBy(() -> new Backoff(MS_1000, MS_100, 2.0, 0.5, 1))
                .hasMessage("Backoff.max must not be less than the initial backoff (PT1S), was PT0.1S");
        assertThat(settingRejected(() -> new Backoff(MS_100, MS_1000, 0.5, 0.5, 1))).isEqualTo(Setting.RECONNECT_MULTIPLIER);
        assertThat(settingRejected(() -> new Backoff(MS_100, MS_1000, Double.NaN, 0.5, 1)))
                .isEqualTo(Setting.RECONNECT_MULTIPLIER);
        assertThat(settingRejected(() -> new Backoff(MS_100, MS_1000, 2.0, 1.5, 1))).isEqualTo(Setting.RECONNECT_JITTER);
        assertThat(settingRejected(() -> new Backoff(MS_100, MS_1000, 2.0, -0.1, 1))).isEqualTo(Setting.RECONNECT_JITTER);
        assertThat(settingRejected(() -> new Backoff(MS_100, MS_1000, 2.0, 0.5, -1))).isEqualTo(Setting.RECONNECT_MAX_ATTEMPTS);
        assertThat(settingRejected(() -> new Backoff(null, MS_1000, 2.0, 0.5, 1))).isEqualTo(Setting.RECONNECT_INITIAL_BACKOFF);
        assertThat(settingRejected(() -> new Backoff(MS_100, null, 2.0, 0.5, 1))).isEqualTo(Setting.RECONNECT_MAX_BACKOFF);
        assertThatThrownBy(() -> new Backoff(MS_100, MS_1000, 2.0, 0.5, 1).baseDelay(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Setting settingRejected(ThrowingCallable construction) {
        return catchThrowableOfType(construction, InvalidSettingException.class).setting();
    }

    private static List<Duration> delays(Backoff backoff, int count, RandomGenerator random) {
        List<Duration> delays = new ArrayList<>();
        for (int retry = 0; retry < count; retry++) {
            delays.add(backoff.delay(retry, random));
        }
        return delays;
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    /** A generator whose nextDouble() is always {@code value}. */
    private static RandomGenerator fixed(double value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public double nextDouble() {
                return value;
            }
        };
    }
}
