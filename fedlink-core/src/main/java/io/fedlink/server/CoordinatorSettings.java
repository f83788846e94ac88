package io.fedlink.server;

import io.fedlink.SettingNames;
import io.fedlink.wire.ModelTransfer;
import io.fedlink.wire.MessageSizeHeader;
import io.grpc.ServerBuilder;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything that makes a coordinator's server a fedlink coordinator beyond its address: the bounds of quorum and
 * reply waits, the message limit and keepalive. {@link #defaults()} are the values the Spring Boot auto-configuration
 * applies when {@code fedlink.server.*} says nothing, so a coordinator built with {@link CoordinatorServer} behaves
 * as one started by the starter.
 *
 * @param quorumTimeout  bound of every quorum wait that names no bound of its own
 * @param maxClients     most clients connected at once; further streams are refused with RESOURCE_EXHAUSTED
 * @param replyTimeout   how long an instruction waits for its reply unless the call names its own bound
 * @param timeoutPolicy  whether a client that missed its reply deadline is dropped (as Flower does) or kept
 * @param maxMessageSize largest message in bytes a client may send, enforced by the transport and announced to
 *                       fedlink clients
 * @param keepalive      the server's keepalive, or {@code null} to leave the transport's own (the in-process
 *                       transport has none)
 * @param flowControl    how much is in flight for clients at once, in both directions
 * @param modelTransfer  how models cross the transport's buffers ({@link ModelTransfer#ZERO_COPY} by default)
 */
public record CoordinatorSettings(Duration quorumTimeout, int maxClients, Duration replyTimeout,
                                  TimeoutPolicy timeoutPolicy, int maxMessageSize, Keepalive keepalive,
                                  FlowControl flowControl, ModelTransfer modelTransfer) {

    /** Settings with {@link ModelTransfer#ZERO_COPY}. */
    public CoordinatorSettings(Duration quorumTimeout, int maxClients, Duration replyTimeout, TimeoutPolicy timeoutPolicy,
                               int maxMessageSize, Keepalive keepalive, FlowControl flowControl) {
        this(quorumTimeout, maxClients, replyTimeout, timeoutPolicy, maxMessageSize, keepalive, flowControl,
                ModelTransfer.ZERO_COPY);
    }

    public CoordinatorSettings {
        Objects.requireNonNull(flowControl, "flowControl");
        Objects.requireNonNull(modelTransfer, "modelTransfer");
        positive(quorumTimeout, "quorumTimeout");
        positive(replyTimeout, "replyTimeout");
        Objects.requireNonNull(timeoutPolicy, "timeoutPolicy");
        if (maxClients < 1) {
            throw new IllegalArgumentException("maxClients must be at least 1, was " + maxClients);
        }
        if (maxMessageSize < 1) {
            throw new IllegalArgumentException("maxMessageSize must be at least 1 byte, was " + maxMessageSize);
        }
    }

    /**
     * Quorum and reply timeouts of 10 minutes, DROP, 100,000 clients, 512 MiB, {@link Keepalive#defaults()},
     * {@link FlowControl#defaults()}, {@link ModelTransfer#ZERO_COPY}.
     */
    public static CoordinatorSettings defaults() {
        return new CoordinatorSettings(Duration.ofMinutes(10), 100_000, Duration.ofMinutes(10), TimeoutPolicy.DROP,
                MessageSizeHeader.DEFAULT_LIMIT, Keepalive.defaults(), FlowControl.defaults());
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** These settings without keepalive, for a transport that has none (in-process). */
    public CoordinatorSettings withoutKeepalive() {
        return toBuilder().keepalive(null).build();
    }

    /** How every client stream treats replies under these settings. */
    public StreamSettings streamSettings() {
        return streamSettings(SettingNames.neutral());
    }

    /** As {@link #streamSettings()}, with messages that name settings by {@code settingNames}. */
    public StreamSettings streamSettings(SettingNames settingNames) {
        return new StreamSettings(replyTimeout, timeoutPolicy, maxMessageSize, flowControl, settingNames, modelTransfer);
    }

    /**
     * Sets the inbound message limit, the connections' buffers ({@link TransportBuffers}) and, unless it is
     * {@code null}, the keepalive on {@code builder}.
     */
    public void applyTo(ServerBuilder<?> builder) {
        builder.maxInboundMessageSize(maxMessageSize);
        TransportBuffers.applyTo(builder, modelTransfer);
        if (keepalive != null) {
            keepalive.applyTo(builder);
        }
    }

    private static void positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    /** Builds {@link CoordinatorSettings}; {@link #build()} checks the values. */
    public static final class Builder {
        private Duration quorumTimeout;
        private int maxClients;
        private Duration replyTimeout;
        private TimeoutPolicy timeoutPolicy;
        private int maxMessageSize;
        private Keepalive keepalive;
        private FlowControl flowControl;
        private ModelTransfer modelTransfer;

        private Builder(CoordinatorSettings from) {
            this.quorumTimeout = from.quorumTimeout;
            this.maxClients = from.maxClients;
            this.replyTimeout = from.replyTimeout;
            this.timeoutPolicy = from.timeoutPolicy;
            this.maxMessageSize = from.maxMessageSize;
            this.keepalive = from.keepalive;
            this.flowControl = from.flowControl;
            this.modelTransfer = from.modelTransfer;
        }

        public Builder quorumTimeout(Duration quorumTimeout) {
            this.quorumTimeout = quorumTimeout;
            return this;
        }

        public Builder maxClients(int maxClients) {
            this.maxClients = maxClients;
            return this;
        }

        public Builder replyTimeout(Duration replyTimeout) {
            this.replyTimeout = replyTimeout;
            return this;
        }

        public Builder timeoutPolicy(TimeoutPolicy timeoutPolicy) {
            this.timeoutPolicy = timeoutPolicy;
            return this;
        }

        public Builder maxMessageSize(int bytes) {
            this.maxMessageSize = bytes;
            return this;
        }

        /** The server's keepalive; {@code null} leaves the transport's own. */
        public Builder keepalive(Keepalive keepalive) {
            this.keepalive = keepalive;
            return this;
        }

        /** The send budget and the large replies received at once (default {@link FlowControl#defaults()}). */
        public Builder flowControl(FlowControl flowControl) {
            this.flowControl = flowControl;
            return this;
        }

        /** How models cross the transport's buffers (default {@link ModelTransfer#ZERO_COPY}). */
        public Builder modelTransfer(ModelTransfer modelTransfer) {
            this.modelTransfer = modelTransfer;
            return this;
        }

        public CoordinatorSettings build() {
            return new CoordinatorSettings(quorumTimeout, maxClients, replyTimeout, timeoutPolicy, maxMessageSize,
                    keepalive, flowControl, modelTransfer);
        }
    }
}
