package io.fedlink.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Client settings under {@code fedlink.client}. The coordinator's address, TLS and client keepalive come from the
 * gRPC starter's channel named {@code fedlink}: {@code grpc.client.fedlink.address},
 * {@code grpc.client.fedlink.negotiation-type}, {@code grpc.client.fedlink.security.*},
 * {@code grpc.client.fedlink.keep-alive-time}.
 */
@ConfigurationProperties("fedlink.client")
public class FedlinkClientProperties {

    /** Largest message accepted from the coordinator; Flower's default is 512MB, far above gRPC's own 4MB. */
    private DataSize maxMessageSize = DataSize.ofMegabytes(512);

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

    void validate() {
        Validation.messageSize("fedlink.client.max-message-size", maxMessageSize);
    }
}
