package io.fedlink.strategy.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fedlink.proto.Scalar;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightedMetricsTests {

    private static Scalar scalar(double value) {
        return Scalar.newBuilder().setDouble(value).build();
    }

    private static Scalar scalar(String value) {
        return Scalar.newBuilder().setString(value).build();
    }

    @Test
    void averagesEachNumericMetricOverTheClientsThatReportedIt() {
        WeightedMetrics metrics = new WeightedMetrics();
        metrics.add(Map.of("accuracy", scalar(0.5), "name", scalar("a")), 10);
        metrics.add(Map.of("accuracy", scalar(1.0), "steps", Scalar.newBuilder().setSint64(-4).build()), 30);
        metrics.add(Map.of("accuracy", scalar(0.0), "count", Scalar.newBuilder().setUint64(-1L).build()), 0);

        assertThat(metrics.averages()).containsOnlyKeys("accuracy", "steps");
        assertThat(metrics.averages().get("accuracy")).isCloseTo(0.875, within(1e-12));
        assertThat(metrics.averages().get("steps")).isEqualTo(-4.0);
    }

    @Test
    void readsUnsignedValuesAsUnsigned() {
        assertThat(WeightedMetrics.numericValue(Scalar.newBuilder().setUint64(-1L).build())).isEqualTo(18446744073709551615.0);
        assertThat(WeightedMetrics.numericValue(Scalar.newBuilder().setBool(true).build())).isNull();
    }

    @Test
    void addsUpTheCountsRelaysReportInsteadOfAveragingThem() {
        WeightedMetrics metrics = new WeightedMetrics();
        metrics.add(Map.of("fedlink.relay.failures", Scalar.newBuilder().setSint64(2).build(), "accuracy", scalar(0.5)), 10);
        metrics.add(Map.of("fedlink.relay.failures", Scalar.newBuilder().setSint64(3).build(), "accuracy", scalar(1.0)), 30);
        metrics.add(Map.of("fedlink.relay.failures", Scalar.newBuilder().setSint64(1).build()), 0);

        assertThat(metrics.averages()).containsEntry("fedlink.relay.failures", 6.0);
        assertThat(metrics.averages().get("accuracy")).isCloseTo(0.875, within(1e-12));
    }
}
