package io.fedlink.autoconfigure;

import org.springframework.core.env.Environment;

/** Decides whether an application is a coordinator: the one rule shared by the condition and the port default. */
final class FedlinkServerMode {

    static final String ENABLED_KEY = "fedlink.server.enabled";
    static final String CLIENT_ADDRESS_KEY = "grpc.client.fedlink.address";

    private FedlinkServerMode() {
    }

    static final String RELAY_KEY = "fedlink.relay.enabled";

    /**
     * {@code fedlink.server.enabled} if set; otherwise on, unless the app configures a client channel and is not a
     * relay ({@code fedlink.relay.enabled}: a relay is a coordinator for its own clients).
     */
    static boolean isEnabled(Environment environment) {
        Boolean explicit = environment.getProperty(ENABLED_KEY, Boolean.class);
        if (explicit != null) {
            return explicit;
        }
        return !environment.containsProperty(CLIENT_ADDRESS_KEY)
                || environment.getProperty(RELAY_KEY, Boolean.class, false);
    }
}
