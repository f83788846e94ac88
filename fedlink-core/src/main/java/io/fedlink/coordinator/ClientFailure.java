package io.fedlink.coordinator;

import io.fedlink.server.ClientProxy;

/**
 * A client that did not contribute to a fan-out, and why. Typical {@link #error()} types:
 * {@link io.fedlink.server.ClientReplyTimeoutException} (no reply in time),
 * {@link io.fedlink.server.ClientDisconnectedException} (stream ended mid-call),
 * {@link ClientStatusException} (in-band status not OK), {@link ClientUpdateRejectedException}
 * (the reply handler refused the reply, for example a model update of the wrong shape).
 *
 * @param client the client
 * @param error  what went wrong
 */
public record ClientFailure(ClientProxy client, Throwable error) {

    /** The client's server-made id. */
    public String clientId() {
        return client.id();
    }

    /** A one-line reason for logs and history: the error's message, or its type if it has none. */
    public String reason() {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }
}
