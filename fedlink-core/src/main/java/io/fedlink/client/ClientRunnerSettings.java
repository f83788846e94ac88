package io.fedlink.client;

import java.util.Objects;

/**
 * How a {@link ClientRunner} talks to its coordinator.
 *
 * @param sendHandshake whether each new stream starts with one empty {@code ClientMessage} (the seed's "passing
 *                      the initiative to the server"); stock Flower servers do not expect it, fedlink coordinators
 *                      accept both ({@code fedlink.client.send-handshake}, default {@code false})
 * @param backoff       spacing and bound of reconnect attempts ({@code fedlink.client.reconnect.*})
 */
public record ClientRunnerSettings(boolean sendHandshake, Backoff backoff) {

    public ClientRunnerSettings {
        Objects.requireNonNull(backoff, "backoff (fedlink.client.reconnect.*) must be set");
    }

    /** No hand-shake, {@link Backoff#defaults()}. */
    public static ClientRunnerSettings defaults() {
        return new ClientRunnerSettings(false, Backoff.defaults());
    }
}
