package io.fedlink.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CoordinatorSettingsTests {

    @Test
    void defaultsAreFlowersMessageLimitWithBoundedWaitsAndKeepalive() {
        CoordinatorSettings defaults = CoordinatorSettings.defaults();

        assertThat(defaults.maxMessageSize()).isEqualTo(512 * 1024 * 1024);
        assertThat(defaults.quorumTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(defaults.replyTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(defaults.timeoutPolicy()).isEqualTo(TimeoutPolicy.DROP);
        assertThat(defaults.keepalive()).isEqualTo(Keepalive.defaults());
        assertThat(defaults.streamSettings()).isEqualTo(new StreamSettings(Duration.ofMinutes(10), TimeoutPolicy.DROP,
                512 * 1024 * 1024));
    }

    @Test
    void theBuilderChangesOnlyWhatItIsToldAndCanDropKeepaliveForTheInProcessTransport() {
        CoordinatorSettings settings = CoordinatorSettings.builder().replyTimeout(Duration.ofSeconds(5)).maxClients(3).build();

        assertThat(settings.replyTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.maxClients()).isEqualTo(3);
        assertThat(settings.toBuilder().replyTimeout(Duration.ofMinutes(10)).maxClients(100_000).build())
                .isEqualTo(CoordinatorSettings.defaults());
        assertThat(settings.withoutKeepalive().keepalive()).isNull();
    }

    @Test
    void aValueThatCannotWorkIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> CoordinatorSettings.builder().replyTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replyTimeout must be positive");
        assertThatThrownBy(() -> CoordinatorSettings.builder().quorumTimeout(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quorumTimeout must be positive");
        assertThatThrownBy(() -> CoordinatorSettings.builder().maxClients(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxClients must be at least 1");
        assertThatThrownBy(() -> CoordinatorSettings.builder().maxMessageSize(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxMessageSize must be at least 1");
    }

    @Test
    void aKeepaliveTimeBelowGrpcsFloorIsRefusedBecauseGrpcWouldSilentlyRaiseIt() {
        assertThatThrownBy(() -> new Keepalive(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ZERO, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 10s")
                .hasMessageContaining("silently raises");
        assertThatThrownBy(() -> new Keepalive(Duration.ofSeconds(10), Duration.ZERO, Duration.ZERO, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout must be positive");
        assertThatThrownBy(() -> new Keepalive(Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(-1), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("permit time must be zero or positive");
    }
}
