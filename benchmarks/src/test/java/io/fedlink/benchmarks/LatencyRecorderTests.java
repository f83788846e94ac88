package io.fedlink.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LatencyRecorderTests {

    @Test
    void percentilesFollowTheNearestRankMethod() {
        LatencyRecorder recorder = new LatencyRecorder();
        for (long value = 100; value >= 1; value--) {
            recorder.record(value);
        }
        assertThat(recorder.percentile(50)).isEqualTo(50);
        assertThat(recorder.percentile(99)).isEqualTo(99);
        assertThat(recorder.percentile(100)).isEqualTo(100);
        assertThat(recorder.percentile(0.5)).isEqualTo(1);
    }

    @Test
    void aSingleValueIsEveryPercentile() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.record(42);
        assertThat(recorder.percentile(1)).isEqualTo(42);
        assertThat(recorder.percentile(99)).isEqualTo(42);
    }

    @Test
    void keepsEveryValueBeyondItsInitialCapacity() {
        LatencyRecorder recorder = new LatencyRecorder();
        for (int i = 0; i < 5000; i++) {
            recorder.record(i % 10 == 9 ? 1_000_000 : 1);
        }
        assertThat(recorder.count()).isEqualTo(5000);
        assertThat(recorder.percentile(90)).isEqualTo(1);
        assertThat(recorder.percentile(91)).isEqualTo(1_000_000);
    }

    @Test
    void recordingAfterAPercentileKeepsPercentilesRight() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.record(10);
        assertThat(recorder.percentile(50)).isEqualTo(10);
        recorder.record(1);
        recorder.record(2);
        assertThat(recorder.percentile(50)).isEqualTo(2);
    }

    @Test
    void mergesAnotherRecorder() {
        LatencyRecorder first = new LatencyRecorder();
        LatencyRecorder second = new LatencyRecorder();
        first.record(1);
        second.record(3);
        second.record(2);
        first.recordAll(second);
        assertThat(first.count()).isEqualTo(3);
        assertThat(first.percentile(100)).isEqualTo(3);
    }

    @Test
    void refusesPercentilesOfNothingAndOutOfRange() {
        LatencyRecorder recorder = new LatencyRecorder();
        assertThatThrownBy(() -> recorder.percentile(50)).isInstanceOf(IllegalStateException.class);
        recorder.record(1);
        assertThatThrownBy(() -> recorder.percentile(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> recorder.percentile(101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> recorder.record(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
