package io.fedlink.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClientRunnerSettingsTests {

    @Test
    void defaultsSendNoHandshakeAndUseTheDefaultBackoff() {
        ClientRunnerSettings defaults = ClientRunnerSettings.defaults();

        assertThat(defaults.sendHandshake()).isFalse();
        assertThat(defaults.backoff()).isEqualTo(Backoff.defaults());
    }

    @Test
    void aMissingBackoffIsRejected() {
        assertThatThrownBy(() -> new ClientRunnerSettings(true, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("backoff must be set");
    }
}
