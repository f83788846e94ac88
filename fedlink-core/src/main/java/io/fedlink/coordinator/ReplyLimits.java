package io.fedlink.coordinator;

import io.fedlink.proto.Scalar;
import io.fedlink.server.ClientUpdateRejectedException;
import java.util.Map;

/**
 * What a round keeps of a reply is bounded whatever clients send: averaged metrics are kept by name in every round
 * record (history, checkpoints, the actuator endpoint, the round log line), and a relay forwards them upstream.
 */
public final class ReplyLimits {

    private ReplyLimits() {
    }

    /**
     * Refuses a reply with more than {@value FederatedTraining#MAX_METRICS_PER_REPLY} metrics or a name over
     * {@value FederatedTraining#MAX_METRIC_NAME_LENGTH} characters.
     */
    public static void requireBoundedMetrics(String clientId, String reply, Map<String, Scalar> metrics) {
        if (metrics.size() > FederatedTraining.MAX_METRICS_PER_REPLY) {
            throw new ClientUpdateRejectedException(clientId, "Update from client " + clientId + " rejected: its " + reply
                    + " carries " + metrics.size() + " metrics, more than the " + FederatedTraining.MAX_METRICS_PER_REPLY
                    + " a reply may carry (each one is kept in every round record)");
        }
        for (String name : metrics.keySet()) {
            if (name.length() > FederatedTraining.MAX_METRIC_NAME_LENGTH) {
                throw new ClientUpdateRejectedException(clientId, "Update from client " + clientId + " rejected: its "
                        + reply + " carries a metric name of " + name.length() + " characters, longer than the "
                        + FederatedTraining.MAX_METRIC_NAME_LENGTH + " allowed");
            }
        }
    }
}
