package io.fedlink.autoconfigure;

import io.fedlink.relay.RelaySettings;
import java.time.Duration;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * A relay under {@code fedlink.relay}: this application serves its own clients (the coordinator side,
 * {@code grpc.server.*} and {@code fedlink.server.*}) and answers an upstream coordinator for all of them (the client
 * side: {@code grpc.client.fedlink.address} and {@code fedlink.client.*}) with the weighted mean of their replies.
 */
@ConfigurationProperties("fedlink.relay")
public class FedlinkRelayProperties implements InitializingBean {

    /** Whether this application is a relay between its clients and the coordinator at grpc.client.fedlink.address. */
    private boolean enabled = false;

    /** Clients that must be connected before the relay joins upstream and before it fans an instruction out. */
    private int minClients = 1;

    /** How long each client has to answer fit_ins; keep it below the upstream coordinator's timeout for the relay. */
    private Duration fitTimeout = Duration.ofMinutes(10);

    /** How long each client has to answer evaluate_ins. */
    private Duration evaluateTimeout = Duration.ofMinutes(10);

    /** Most instructions outstanding on the relay's clients at once (each may bring a model-sized reply). */
    private int maxInFlight = 64;

    /** Whether the relay answers with the other clients' mean when some failed; false answers with a failure. */
    private boolean acceptFailures = true;

    /** Whether the end of training from upstream (reconnect_ins with 0 seconds) is sent on to the relay's clients. */
    private boolean passOnEndOfTraining = true;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getMinClients() {
        return minClients;
    }

    public void setMinClients(int minClients) {
        this.minClients = minClients;
    }

    public Duration getFitTimeout() {
        return fitTimeout;
    }

    public void setFitTimeout(Duration fitTimeout) {
        this.fitTimeout = fitTimeout;
    }

    public Duration getEvaluateTimeout() {
        return evaluateTimeout;
    }

    public void setEvaluateTimeout(Duration evaluateTimeout) {
        this.evaluateTimeout = evaluateTimeout;
    }

    public int getMaxInFlight() {
        return maxInFlight;
    }

    public void setMaxInFlight(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    public boolean isAcceptFailures() {
        return acceptFailures;
    }

    public void setAcceptFailures(boolean acceptFailures) {
        this.acceptFailures = acceptFailures;
    }

    public boolean isPassOnEndOfTraining() {
        return passOnEndOfTraining;
    }

    public void setPassOnEndOfTraining(boolean passOnEndOfTraining) {
        this.passOnEndOfTraining = passOnEndOfTraining;
    }

    /** The relay's settings. */
    RelaySettings settings() {
        return new RelaySettings(minClients, fitTimeout, evaluateTimeout, maxInFlight, acceptFailures, passOnEndOfTraining);
    }

    /** Checks the bound values once, so a wrong one fails start-up naming its key. */
    @Override
    public void afterPropertiesSet() {
        Validation.atLeast("fedlink.relay.min-clients", minClients, 1);
        Validation.positive("fedlink.relay.fit-timeout", fitTimeout);
        Validation.positive("fedlink.relay.evaluate-timeout", evaluateTimeout);
        Validation.atLeast("fedlink.relay.max-in-flight", maxInFlight, 1);
    }
}
