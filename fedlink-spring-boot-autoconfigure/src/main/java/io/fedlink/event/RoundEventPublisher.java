package io.fedlink.event;

import io.fedlink.coordinator.RoundListener;
import io.fedlink.coordinator.RoundRecord;
import io.fedlink.server.ClientProxy;
import java.util.List;
import org.springframework.context.ApplicationEventPublisher;

/** Turns training progress into {@link RoundStartedEvent}, {@link RoundCompletedEvent} and {@link RoundFailedEvent}. */
public class RoundEventPublisher implements RoundListener {

    private final ApplicationEventPublisher publisher;

    public RoundEventPublisher(ApplicationEventPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public void roundStarted(int round, List<ClientProxy> clientsAsked) {
        publisher.publishEvent(new RoundStartedEvent(this, round, clientsAsked.size()));
    }

    @Override
    public void roundCompleted(RoundRecord record) {
        publisher.publishEvent(new RoundCompletedEvent(this, record));
    }

    @Override
    public void roundFailed(RoundRecord record) {
        publisher.publishEvent(new RoundFailedEvent(this, record));
    }
}
