package io.fedlink.event;

import io.fedlink.server.ClientProxy;
import org.springframework.context.ApplicationEvent;

/** A client's stream opened and the client was registered. Published on the gRPC thread that registered it. */
public class ClientRegisteredEvent extends ApplicationEvent {

    public ClientRegisteredEvent(ClientProxy client) {
        super(client);
    }

    public ClientProxy getClient() {
        return (ClientProxy) getSource();
    }
}
