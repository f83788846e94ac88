package io.fedlink.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.coordinator.RoundRecord;
import io.fedlink.coordinator.RoundStatus;
import io.fedlink.server.DefaultClientManager;
import io.fedlink.server.DisconnectReason;
import io.fedlink.server.InstructionListener.Outcome;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The coordinator's meters as Prometheus renders them. */
class FedlinkMetricsTests {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final FedlinkMetrics metrics = new FedlinkMetrics(registry, new DefaultClientManager(Duration.ofSeconds(1), 10));

    @Test
    void messageSizesAreBytesOnceInTheirName() {
        metrics.completed(null, "fit_ins", Outcome.OK, Duration.ofMillis(20), 1000, 500);
        metrics.completed(null, "fit_ins", Outcome.OK, Duration.ofMillis(30), 3000, 700);

        String scrape = registry.scrape();
        assertThat(sample(scrape, "fedlink_message_size_bytes_sum{direction=\"sent\",instruction=\"fit_ins\"}")).isEqualTo(4000);
        assertThat(sample(scrape, "fedlink_message_size_bytes_max{direction=\"sent\",instruction=\"fit_ins\"}")).isEqualTo(3000);
        assertThat(sample(scrape, "fedlink_message_size_bytes_sum{direction=\"received\",instruction=\"fit_ins\"}")).isEqualTo(1200);
        assertThat(scrape).doesNotContain("bytes_sent", "bytes_bytes", "fedlink_bytes");
    }

    @Test
    void aCallWithoutAReplyCountsNoReceivedMessage() {
        metrics.completed(null, "evaluate_ins", Outcome.TIMEOUT, Duration.ofSeconds(1), 80, 0);

        String scrape = registry.scrape();
        assertThat(sample(scrape, "fedlink_instructions_seconds_count{instruction=\"evaluate_ins\",outcome=\"timeout\"}")).isEqualTo(1);
        assertThat(sample(scrape, "fedlink_message_size_bytes_count{direction=\"sent\",instruction=\"evaluate_ins\"}")).isEqualTo(1);
        assertThat(sample(scrape, "fedlink_message_size_bytes_count{direction=\"received\",instruction=\"evaluate_ins\"}")).isZero();
    }

    @Test
    void anInstructionRefusedBeforeItWentOutCountsNoSentMessage() {
        metrics.completed(null, "fit_ins", Outcome.ERROR, Duration.ZERO, 0, 0); // busy, too large or gone: 0 bytes sent

        String scrape = registry.scrape();
        assertThat(sample(scrape, "fedlink_instructions_seconds_count{instruction=\"fit_ins\",outcome=\"error\"}")).isEqualTo(1);
        assertThat(sample(scrape, "fedlink_message_size_bytes_count{direction=\"sent\",instruction=\"fit_ins\"}")).isZero();
    }

    @Test
    void roundsAreOneTimerWithAStatusTag() {
        metrics.roundCompleted(round(1, RoundStatus.COMPLETED, Duration.ofSeconds(2), 3));
        metrics.roundCompleted(round(2, RoundStatus.COMPLETED, Duration.ofSeconds(4), 3));
        metrics.roundFailed(round(3, RoundStatus.FAILED, Duration.ofSeconds(1), 0));

        String scrape = registry.scrape();
        assertThat(sample(scrape, "fedlink_rounds_seconds_count{status=\"completed\"}")).isEqualTo(2);
        assertThat(sample(scrape, "fedlink_rounds_seconds_sum{status=\"completed\"}")).isEqualTo(6);
        assertThat(sample(scrape, "fedlink_rounds_seconds_count{status=\"failed\"}")).isEqualTo(1);
        assertThat(sample(scrape, "fedlink_round_replies_sum")).isEqualTo(6);
        assertThat(scrape).doesNotContain("fedlink_rounds_total", "fedlink_round_duration");
    }

    @Test
    void everySeriesExistsAtZeroBeforeItsFirstEvent() {
        String scrape = registry.scrape();

        assertThat(sample(scrape, "fedlink_rounds_seconds_count{status=\"failed\"}")).isZero();
        assertThat(sample(scrape, "fedlink_instructions_seconds_count{instruction=\"reconnect_ins\",outcome=\"disconnected\"}")).isZero();
        assertThat(sample(scrape, "fedlink_clients_unregistered_total{reason=\"reply_timeout\"}")).isZero();
        assertThat(sample(scrape, "fedlink_clients_registered_total")).isZero();
    }

    @Test
    void unregistrationsCountByReason() {
        metrics.unregistered(null, DisconnectReason.REPLY_TIMEOUT);
        metrics.unregistered(null, DisconnectReason.REPLY_TIMEOUT);

        assertThat(sample(registry.scrape(), "fedlink_clients_unregistered_total{reason=\"reply_timeout\"}")).isEqualTo(2);
    }

    private static RoundRecord round(int round, RoundStatus status, Duration duration, int replies) {
        return new RoundRecord(round, status, 3, replies, 0, 0, List.of(), Double.NaN, Map.of(), Map.of(), duration,
                status == RoundStatus.FAILED ? "too few results" : "");
    }

    /** The value of one sample line, {@code name{labels} value}, of a Prometheus scrape. */
    private static double sample(String scrape, String series) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        assertThat(matcher.find()).as("a %s sample in:%n%s", series, scrape).isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
