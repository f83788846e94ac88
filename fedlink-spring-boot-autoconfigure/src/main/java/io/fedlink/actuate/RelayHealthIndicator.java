package io.fedlink.actuate;

import io.fedlink.client.ClientRunnerStatus;
import io.fedlink.relay.Relay;
import java.util.Optional;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * The relay's link upstream: UP while it waits for its clients, is connected upstream, or is between reconnects; DOWN
 * when it gave up reconnecting (its clients should go to another relay, so take it out of the readiness group's
 * service). Details: connected clients, the upstream phase and sessions.
 */
public class RelayHealthIndicator extends AbstractHealthIndicator {

    private final Relay relay;

    public RelayHealthIndicator(Relay relay) {
        super("fedlink relay health check failed");
        this.relay = relay;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Optional<ClientRunnerStatus> upstream = relay.upstreamStatus();
        boolean gaveUp = relay.termination().isCompletedExceptionally();
        (gaveUp ? builder.down() : builder.up())
                .withDetail("upstream", upstream.map(status -> status.phase().name()).orElse("WAITING_FOR_CLIENTS"))
                .withDetail("upstreamSessions", upstream.map(ClientRunnerStatus::sessions).orElse(0))
                .withDetail("trainingEnded", relay.trainingEnded());
    }
}
