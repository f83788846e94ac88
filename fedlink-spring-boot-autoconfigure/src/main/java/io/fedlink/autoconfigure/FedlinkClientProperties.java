package io.fedlink.autoconfigure;

import io.fedlink.InvalidSettingException;
import io.fedlink.client.Backoff;
import io.fedlink.client.ClientRunnerSettings;
import java.time.Duration;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * Client settings under {@code fedlink.client}. The coordinator's address, TLS and client keepalive come from the
 * gRPC starter's channel named {@code fedlink}: {@code grpc.client.fedlink.address},
 * {@code grpc.client.fedlink.negotiation-type}, {@code grpc.client.fedlink.security.*},
 * {@code grpc.client.fedlink.keep-alive-time}.
 */
@ConfigurationProperties("fedlink.client")
public class FedlinkClientProperties implements InitializingBean {

    /** Largest message accepted from the coordinator; Flower's default is 512MB, far above gRPC's own 4MB. */
    private DataSize maxMessageSize = DataSize.ofMegabytes(512);

    /**
     * Whether the run loop sends the seed's empty hand-shake message first. fedlink coordinators accept both;
     * a stock Flower server would take it as the reply to its first instruction, so leave it off for Flower.
     */
    private boolean sendHandshake = false;

    /** How the run loop reconnects when the coordinator is away. */
    private final Reconnect reconnect = new Reconnect();

    /** Whether a FederatedClient bean is run (connected and answering) automatically with the application. */
    private boolean autoStartup = true;

    /**
     * Whether a target with several addresses (static://relay-1:9090,relay-2:9090, or a DNS name with several records)
     * is taken in a random order per client (gRPC's pick_first with shuffleAddressList): clients spread over relays and
     * move to another when theirs dies. false leaves the channel's default-load-balancing-policy.
     */
    private boolean shuffleAddresses = true;

    public boolean isShuffleAddresses() {
        return shuffleAddresses;
    }

    public void setShuffleAddresses(boolean shuffleAddresses) {
        this.shuffleAddresses = shuffleAddresses;
    }

    public boolean isSendHandshake() {
        return sendHandshake;
    }

    public void setSendHandshake(boolean sendHandshake) {
        this.sendHandshake = sendHandshake;
    }

    public Reconnect getReconnect() {
        return reconnect;
    }

    public boolean isAutoStartup() {
        return autoStartup;
    }

    public void setAutoStartup(boolean autoStartup) {
        this.autoStartup = autoStartup;
    }

    /** The run loop's settings; fails start-up naming the key of a value that cannot work. */
    ClientRunnerSettings runnerSettings() {
        try {
            return new ClientRunnerSettings(sendHandshake, new Backoff(reconnect.initialBackoff, reconnect.maxBackoff,
                    reconnect.multiplier, reconnect.jitter, reconnect.maxAttempts), PropertyKeys.NAMES);
        } catch (InvalidSettingException e) {
            throw new InvalidConfigurationPropertyValueException(PropertyKeys.of(e.setting()), e.value(), e.requirement());
        }
    }

    public static class Reconnect {

        /** Delay before the first reconnect attempt. */
        private Duration initialBackoff = Duration.ofSeconds(1);

        /** Longest delay between attempts. */
        private Duration maxBackoff = Duration.ofSeconds(30);

        /** Growth of the delay from one attempt to the next. */
        private double multiplier = 2.0;

        /** Share of each delay drawn at random (0 none, 0.5 equal jitter, 1 full jitter). */
        private double jitter = 0.5;

        /** Failed attempts in a row before the client gives up; 0 never gives up. */
        private int maxAttempts = 10;

        public Duration getInitialBackoff() {
            return initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }

        public double getMultiplier() {
            return multiplier;
        }

        public void setMultiplier(double multiplier) {
            this.multiplier = multiplier;
        }

        public double getJitter() {
            return jitter;
        }

        public void setJitter(double jitter) {
            this.jitter = jitter;
        }

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }
    }

    /** Authentication this client presents to the coordinator. */
    private final Auth auth = new Auth();

    public Auth getAuth() {
        return auth;
    }

    public static class Auth {

        /** Shared-secret token sent as 'authorization: Bearer <token>' (see fedlink.server.auth.tokens). */
        private String token;

        public String getToken() {
            return token;
        }

        public void setToken(String token) {
            this.token = token;
        }
    }

    public DataSize getMaxMessageSize() {
        return maxMessageSize;
    }

    public void setMaxMessageSize(DataSize maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    /** Checks the bound values once, so a wrong one fails start-up naming its key. */
    @Override
    public void afterPropertiesSet() {
        Validation.messageSize("fedlink.client.max-message-size", maxMessageSize);
        runnerSettings();
    }
}
