package io.fedlink.client;

import io.fedlink.SettingNames;
import java.util.Objects;

/**
 * How a {@link ClientRunner} talks to its coordinator.
 *
 * @param sendHandshake whether each new stream starts with one empty {@code ClientMessage} (the seed's "passing
 *                      the initiative to the server"); stock Flower servers do not expect it, fedlink coordinators
 *                      accept both (default {@code false})
 * @param backoff       spacing and bound of reconnect attempts
 * @param settingNames  how the runner's messages name the settings to change
 */
public record ClientRunnerSettings(boolean sendHandshake, Backoff backoff, SettingNames settingNames) {

    public ClientRunnerSettings {
        Objects.requireNonNull(backoff, "backoff must be set");
        Objects.requireNonNull(settingNames, "settingNames must be set");
    }

    /** Settings whose messages name settings the runtime's way ({@link SettingNames#neutral()}). */
    public ClientRunnerSettings(boolean sendHandshake, Backoff backoff) {
        this(sendHandshake, backoff, SettingNames.neutral());
    }

    /** No hand-shake, {@link Backoff#defaults()}. */
    public static ClientRunnerSettings defaults() {
        return new ClientRunnerSettings(false, Backoff.defaults());
    }
}
