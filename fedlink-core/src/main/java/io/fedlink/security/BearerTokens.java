package io.fedlink.security;

import io.grpc.Metadata;

/** The {@code authorization: Bearer <token>} header that fedlink's token scheme uses. */
public final class BearerTokens {

    public static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    static final String PREFIX = "Bearer ";

    private BearerTokens() {
    }

    /** The token in {@code headers}, or {@code null} when there is no bearer authorization header. */
    public static String read(Metadata headers) {
        String value = headers.get(AUTHORIZATION);
        if (value == null || !value.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return null;
        }
        return value.substring(PREFIX.length()).trim();
    }
}
