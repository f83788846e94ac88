package io.fedlink.event;

import io.fedlink.coordinator.RoundRecord;
import org.springframework.context.ApplicationEvent;

/**
 * A training round ended. {@link #getRecord()} holds its counts, loss, metrics and failures;
 * {@link RoundRecord#completed()} is false for a round that did not update the model (too few results).
 */
public class RoundCompletedEvent extends ApplicationEvent {

    private final RoundRecord record;

    public RoundCompletedEvent(Object source, RoundRecord record) {
        super(source);
        this.record = record;
    }

    public RoundRecord getRecord() {
        return record;
    }
}
