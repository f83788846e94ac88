package io.fedlink.event;

import org.springframework.context.ApplicationEvent;

/** A training round selected its clients and is sending them {@code fit_ins}. */
public class RoundStartedEvent extends ApplicationEvent {

    private final int round;
    private final int clientsAsked;

    public RoundStartedEvent(Object source, int round, int clientsAsked) {
        super(source);
        this.round = round;
        this.clientsAsked = clientsAsked;
    }

    public int getRound() {
        return round;
    }

    public int getClientsAsked() {
        return clientsAsked;
    }
}
