package io.fedlink.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.coordinator.RoundRecord;
import io.fedlink.coordinator.RoundStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RoundEventPublisherTests {

    private final List<Object> events = new CopyOnWriteArrayList<>();
    private final RoundEventPublisher publisher = new RoundEventPublisher(events::add);

    @Test
    void aRoundThatUpdatedTheModelIsARoundCompletedEvent() {
        RoundRecord record = record(RoundStatus.COMPLETED, "");

        publisher.roundCompleted(record);

        assertThat(events).singleElement().isInstanceOfSatisfying(RoundCompletedEvent.class,
                event -> assertThat(event.getRecord()).isSameAs(record));
    }

    @Test
    void aRoundThatDidNotUpdateTheModelIsARoundFailedEventNotACompletedOne() {
        RoundRecord record = record(RoundStatus.FAILED, "1 fit result, fewer than min-fit-results 2");

        publisher.roundFailed(record);

        assertThat(events).singleElement().isInstanceOfSatisfying(RoundFailedEvent.class,
                event -> assertThat(event.getRecord().failureReason()).contains("fewer than min-fit-results"));
    }

    private static RoundRecord record(RoundStatus status, String failureReason) {
        return new RoundRecord(1, status, 2, 1, 0, 0, List.of(), Double.NaN, Map.of(), Map.of(), Duration.ofSeconds(1),
                failureReason);
    }
}
