package io.fedlink.client;

import io.fedlink.MessageSizeHeader;
import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
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
    private final CallOptions callOptions;
    private final String target;

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
        this.channel = ClientInterceptors.intercept(Objects.requireNonNull(channel, "channel"),
                MetadataUtils.newAttachHeadersInterceptor(MessageSizeHeader.of(maxMessageSize)));
        this.callOptions = CallOptions.DEFAULT.withMaxInboundMessageSize(maxMessageSize)
                .withMaxOutboundMessageSize(Integer.MAX_VALUE).withCallCredentials(credentials);
        this.target = Objects.requireNonNull(target, "target");
    }

    @Override
    public Connection connect() {
        return new Connection(channel, callOptions, target);
    }

    /** The coordinator's address, as configured. */
    public String target() {
        return target;
    }
}
