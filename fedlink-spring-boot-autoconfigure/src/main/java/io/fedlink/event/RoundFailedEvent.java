package io.fedlink.event;

import io.fedlink.coordinator.RoundRecord;

/**
 * A training round ended without updating the global model (too few fit results, no clients, ...).
 * {@link #getRecord()} holds its counts and failures; {@link RoundRecord#failureReason()} says why.
 */
public class RoundFailedEvent extends RoundEndedEvent {

    public RoundFailedEvent(Object source, RoundRecord record) {
        super(source, record);
    }
}
