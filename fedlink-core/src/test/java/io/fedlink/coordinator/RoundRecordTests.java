package io.fedlink.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundRecordTests {

    @Test
    void describesACompletedRoundOnOneLine() {
        RoundRecord record = new RoundRecord(3, RoundStatus.COMPLETED, 4, 4, 4, 4, List.of(), 0.41234,
                Map.of("accuracy", 0.8712), Map.of(), Duration.ofMillis(1234), "");

        assertThat(record.describe(10)).isEqualTo("round 3/10: replies 4/4, failures 0, loss 0.412, accuracy 0.871, 1.2 s");
    }

    @Test
    void describesAFailedRoundWithItsReason() {
        assertThat(Histories.failed(2).describe(5))
                .isEqualTo("round 2/5 FAILED: replies 0/2, failures 1, 0.0 s: 0 of 2 clients returned a usable fit result");
    }

    @Test
    void printsTinyAndHugeNumbersInScientificNotation() {
        RoundRecord record = new RoundRecord(1, RoundStatus.COMPLETED, 1, 1, 0, 0, List.of(), 1.5e-7,
                Map.of("big", 3e9, "zero", 0.0), Map.of(), Duration.ZERO, "");

        assertThat(record.describe(1)).isEqualTo("round 1/1: replies 1/1, failures 0, loss 1.500e-07, big 3.000e+09, zero 0.000, 0.0 s");
    }

    @Test
    void omitsTheLossWhenTheRoundWasNotEvaluated() {
        RoundRecord record = new RoundRecord(1, RoundStatus.COMPLETED, 2, 2, 0, 0, List.of(), Double.NaN,
                Map.of(), Map.of(), Duration.ofMillis(100), "");

        assertThat(record.hasLoss()).isFalse();
        assertThat(record.describe(1)).isEqualTo("round 1/1: replies 2/2, failures 0, 0.1 s");
    }
}
