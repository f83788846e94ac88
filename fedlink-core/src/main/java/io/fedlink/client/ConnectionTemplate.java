package io.fedlink.client;

import io.fedlink.SettingNames;
import io.fedlink.wire.MessageSizeHeader;
import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.stub.MetadataUtils;
import java.util.Objects;

/**
 * Opens connections to a fedlink or Flower coordinator over a gRPC {@link Channel}. Injectable and
 * thread-safe; each {@link #connect()} opens a new {@code Join} stream:
 *
 * <pre>{@code
 * try (Connection connection = connectionTemplate.connect()) {
 *     connection.dispatch(ClientMessage.getDefaultInstance()); // optional hand-shake (seed style)
 *     while (running) {
 *         ServerMessage instruction = connection.consume();
 *         connection.dispatch(handle(instruction));
 *     }
 * }
 * }</pre>
 */
public class ConnectionTemplate implements ConnectionOperations {

    private final Channel channel;
    private final ManagedChannel managedChannel;
    private final CallOptions callOptions;
    private final String target;
    private final SettingNames settingNames;

    /**
     * @param channel        channel to the coordinator (its address, TLS and keepalive come from the channel)
     * @param maxMessageSize largest message accepted from the coordinator, in bytes
     * @param target         the coordinator's address, for error messages
     */
    public ConnectionTemplate(Channel channel, int maxMessageSize, String target) {
        this(channel, maxMessageSize, target, null);
    }

    /**
     * @param credentials sent on every stream (for example {@link io.fedlink.security.BearerTokenCredentials}),
     *                    or {@code null} for none
     */
    public ConnectionTemplate(Channel channel, int maxMessageSize, String target, CallCredentials credentials) {
        this(channel, maxMessageSize, target, credentials, SettingNames.neutral());
    }

    /**
     * @param settingNames how error messages name the settings to change (on this client and on the coordinator)
     */
    public ConnectionTemplate(Channel channel, int maxMessageSize, String target, CallCredentials credentials,
                              SettingNames settingNames) {
        this.settingNames = Objects.requireNonNull(settingNames, "settingNames");
        this.managedChannel = channel instanceof ManagedChannel managed ? managed : null;
        this.channel = ClientInterceptors.intercept(Objects.requireNonNull(channel, "channel"),
                MetadataUtils.newAttachHeadersInterceptor(MessageSizeHeader.of(maxMessageSize)));
        this.callOptions = CallOptions.DEFAULT.withMaxInboundMessageSize(maxMessageSize)
                .withMaxOutboundMessageSize(Integer.MAX_VALUE).withCallCredentials(credentials);
        this.target = Objects.requireNonNull(target, "target");
    }

    /**
     * {@inheritDoc}
     *
     * <p>The call is not wait-for-ready. If the channel is a {@link ManagedChannel} in {@code TRANSIENT_FAILURE}, its
     * own reconnect backoff (up to two minutes in grpc-java) is cut short, so that a caller that retries on its own
     * schedule (such as {@link ClientRunner}) really reaches a coordinator that is back.
     */
    @Override
    public Connection connect() {
        if (managedChannel != null && managedChannel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            managedChannel.resetConnectBackoff();
        }
        return new Connection(channel, callOptions, target, settingNames);
    }

    /** The coordinator's address, as configured. */
    public String target() {
        return target;
    }
}
