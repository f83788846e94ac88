package io.fedlink.event;

import io.fedlink.coordinator.RoundRecord;
import org.springframework.context.ApplicationEvent;

/**
 * A training round ended without updating the global model (too few fit results, no clients, ...).
 * {@link #getRecord()} holds its counts and failures; {@link RoundRecord#failureReason()} says why.
 */
public class RoundFailedEvent extends ApplicationEvent {

    private final RoundRecord record;

    public RoundFailedEvent(Object source, RoundRecord record) {
        super(source);
        this.record = record;
    }

    public RoundRecord getRecord() {
        return record;
    }
}
