package io.fedlink.event;

import io.fedlink.coordinator.RoundRecord;

/**
 * A training round ended and updated the global model. {@link #getRecord()} holds its counts, loss, metrics and
 * failures. A round that did not update the model is a {@link RoundFailedEvent} instead.
 */
public class RoundCompletedEvent extends RoundEndedEvent {

    public RoundCompletedEvent(Object source, RoundRecord record) {
        super(source, record);
    }
}
