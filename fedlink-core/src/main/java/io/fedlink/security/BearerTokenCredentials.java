package io.fedlink.security;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import java.util.Objects;
import java.util.concurrent.Executor;

/** Client-side credentials that send {@code authorization: Bearer <token>} on every call. */
public class BearerTokenCredentials extends CallCredentials {

    private final String token;

    public BearerTokenCredentials(String token) {
        this.token = Objects.requireNonNull(token, "token");
    }

    @Override
    public void applyRequestMetadata(RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(BearerTokens.AUTHORIZATION, BearerTokens.PREFIX + token);
        applier.apply(headers);
    }
}
