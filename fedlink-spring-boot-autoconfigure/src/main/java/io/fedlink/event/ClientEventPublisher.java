package io.fedlink.event;

import io.fedlink.server.ClientManagerListener;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.DisconnectReason;
import org.springframework.context.ApplicationEventPublisher;

/** Turns registry changes into {@link ClientRegisteredEvent} and {@link ClientUnregisteredEvent}. */
public class ClientEventPublisher implements ClientManagerListener {

    private final ApplicationEventPublisher publisher;

    public ClientEventPublisher(ApplicationEventPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public void registered(ClientProxy client) {
        publisher.publishEvent(new ClientRegisteredEvent(client));
    }

    @Override
    public void unregistered(ClientProxy client, DisconnectReason reason) {
        publisher.publishEvent(new ClientUnregisteredEvent(client, reason));
    }
}
