package io.fedlink.security;

import io.grpc.Metadata;
import java.net.SocketAddress;
import java.util.Optional;

/**
 * Decides who a connecting client is from its call's headers. Declare one as a bean to replace fedlink's token check.
 * Runs on a gRPC thread as each stream opens, before registration: keep it fast and non-blocking.
 */
@FunctionalInterface
public interface ClientAuthenticator {

    /**
     * @return the client's identity (shown on {@code ClientProxy.identity()}), or empty to refuse the stream with
     *         UNAUTHENTICATED; the client is then never registered
     */
    Optional<String> authenticate(Metadata headers, SocketAddress peer);
}
