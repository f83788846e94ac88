package io.fedlink.event;

import io.fedlink.server.ClientProxy;
import io.fedlink.server.DisconnectReason;
import org.springframework.context.ApplicationEvent;

/** A client's stream ended and the client was unregistered; {@link #getReason()} says why. */
public class ClientUnregisteredEvent extends ApplicationEvent {

    private final DisconnectReason reason;

    public ClientUnregisteredEvent(ClientProxy client, DisconnectReason reason) {
        super(client);
        this.reason = reason;
    }

    public ClientProxy getClient() {
        return (ClientProxy) getSource();
    }

    public DisconnectReason getReason() {
        return reason;
    }
}
