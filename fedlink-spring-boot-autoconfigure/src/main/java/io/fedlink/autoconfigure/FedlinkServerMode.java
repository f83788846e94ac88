package io.fedlink.autoconfigure;

import org.springframework.core.env.Environment;

/** Decides whether an application is a coordinator: the one rule shared by the condition and the port default. */
final class FedlinkServerMode {

    static final String ENABLED_KEY = "fedlink.server.enabled";
    static final String CLIENT_ADDRESS_KEY = "grpc.client.fedlink.address";

    private FedlinkServerMode() {
    }

    /** {@code fedlink.server.enabled} if set; otherwise on, unless the app configures a client channel. */
    static boolean isEnabled(Environment environment) {
        Boolean explicit = environment.getProperty(ENABLED_KEY, Boolean.class);
        if (explicit != null) {
            return explicit;
        }
        return !environment.containsProperty(CLIENT_ADDRESS_KEY);
    }
}
