package io.fedlink.event;

import io.fedlink.coordinator.RoundRecord;
import org.springframework.context.ApplicationEvent;

/**
 * A training round ended, one way or the other: listen to this type for both {@link RoundCompletedEvent} and
 * {@link RoundFailedEvent}. {@link #getRecord()} holds the round's counts, loss, metrics and failures.
 */
public abstract class RoundEndedEvent extends ApplicationEvent {

    private final RoundRecord record;

    protected RoundEndedEvent(Object source, RoundRecord record) {
        super(source);
        this.record = record;
    }

    public RoundRecord getRecord() {
        return record;
    }
}
