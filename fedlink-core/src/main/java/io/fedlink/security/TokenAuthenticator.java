package io.fedlink.security;

import io.grpc.Metadata;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Shared-secret tokens: each identity has one token, sent by the client as {@code authorization: Bearer <token>}.
 * Tokens are compared in constant time.
 */
public class TokenAuthenticator implements ClientAuthenticator {

    private final Map<String, byte[]> tokensByIdentity;

    /**
     * @param tokensByIdentity identity to token; tokens must be non-blank
     */
    public TokenAuthenticator(Map<String, String> tokensByIdentity) {
        Objects.requireNonNull(tokensByIdentity, "tokensByIdentity");
        this.tokensByIdentity = tokensByIdentity.entrySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(
                Map.Entry::getKey, entry -> entry.getValue().getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public Optional<String> authenticate(Metadata headers, SocketAddress peer) {
        String token = BearerTokens.read(headers);
        if (token == null) {
            return Optional.empty();
        }
        byte[] presented = token.getBytes(StandardCharsets.UTF_8);
        String match = null;
        for (Map.Entry<String, byte[]> entry : tokensByIdentity.entrySet()) {
            if (MessageDigest.isEqual(entry.getValue(), presented)) {
                match = entry.getKey();
            }
        }
        return Optional.ofNullable(match);
    }
}
