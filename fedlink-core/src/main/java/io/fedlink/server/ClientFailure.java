package io.fedlink.server;

/**
 * A client that did not contribute to a fan-out, and why. Typical {@link #error()} types:
 * {@link ClientReplyTimeoutException} (no reply in time),
 * {@link ClientDisconnectedException} (stream ended mid-call),
 * {@code io.fedlink.coordinator.ClientStatusException} (in-band status not OK), {@link ClientUpdateRejectedException}
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
