package io.fedlink.actuate;

import io.fedlink.server.ClientManager;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Reports whether the quorum is reached, with the counts. Always UP while the coordinator runs: a coordinator
 * still waiting for its clients is healthy, and must not be taken out of a load balancer for it.
 */
public class FedlinkHealthIndicator extends AbstractHealthIndicator {

    private final ClientManager clientManager;
    private final int minClients;

    public FedlinkHealthIndicator(ClientManager clientManager, int minClients) {
        super("fedlink health check failed");
        this.clientManager = clientManager;
        this.minClients = minClients;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        int connected = clientManager.numAvailable();
        builder.up().withDetail("connectedClients", connected).withDetail("minClients", minClients)
                .withDetail("quorumReached", connected >= minClients);
    }
}
