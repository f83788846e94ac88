package io.fedlink.autoconfigure;

import io.fedlink.Setting;
import io.fedlink.SettingNames;

/**
 * The property key of each {@link Setting} the runtime's messages point to: the runtime names settings its own way,
 * and the beans this module builds pass {@link #NAMES} so that a Spring user reads the key to change.
 */
final class PropertyKeys {

    /** Names every setting by its property key. */
    static final SettingNames NAMES = PropertyKeys::of;

    private static final String CHANNEL = "grpc.client." + FedlinkClientAutoConfiguration.CHANNEL + ".";

    private PropertyKeys() {
    }

    /** The key that sets {@code setting}, such as {@code fedlink.server.quorum.timeout}. */
    static String of(Setting setting) {
        return switch (setting) {
            case QUORUM_MIN_CLIENTS -> "fedlink.server.quorum.min-clients";
            case QUORUM_TIMEOUT -> "fedlink.server.quorum.timeout";
            case TIMEOUT_POLICY -> "fedlink.server.timeout-policy";
            case MAX_CLIENTS -> "fedlink.server.max-clients";
            case SERVER_MAX_MESSAGE_SIZE -> "fedlink.server.max-message-size";
            case SEND_BUDGET -> "fedlink.server.flow-control.send-budget";
            case SERVER_KEEPALIVE_PERMIT_TIME -> "fedlink.server.keepalive.permit-time";
            case CLIENT_MAX_MESSAGE_SIZE -> "fedlink.client.max-message-size";
            case CLIENT_AUTH_TOKEN -> "fedlink.client.auth.token";
            case CLIENT_TRANSPORT_SECURITY -> CHANNEL + "negotiation-type";
            case CLIENT_TRUSTED_CERTIFICATES -> CHANNEL + "security.trust-store or " + CHANNEL + "security.trust-cert-collection";
            case CLIENT_KEEPALIVE_TIME -> CHANNEL + "keep-alive-time";
            case RECONNECT_INITIAL_BACKOFF -> "fedlink.client.reconnect.initial-backoff";
            case RECONNECT_MAX_BACKOFF -> "fedlink.client.reconnect.max-backoff";
            case RECONNECT_MULTIPLIER -> "fedlink.client.reconnect.multiplier";
            case RECONNECT_JITTER -> "fedlink.client.reconnect.jitter";
            case RECONNECT_MAX_ATTEMPTS -> "fedlink.client.reconnect.max-attempts";
        };
    }
}
