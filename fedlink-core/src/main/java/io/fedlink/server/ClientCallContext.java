package io.fedlink.server;

import io.grpc.Context;

/**
 * gRPC {@link Context} keys that fedlink reads when a client stream opens. An authentication interceptor
 * sets {@link #IDENTITY}; the resulting identity shows on {@link ClientProxy#identity()}.
 */
public final class ClientCallContext {

    /** The authenticated identity of the caller, set by an authentication interceptor. */
    public static final Context.Key<String> IDENTITY = Context.key("fedlink-client-identity");

    /** The caller's remote address, set by fedlink. */
    public static final Context.Key<String> PEER = Context.key("fedlink-client-peer");

    /** The largest message the client accepts, as its fedlink-max-message-size header announced; null if absent. */
    public static final Context.Key<Integer> CLIENT_MAX_MESSAGE_SIZE = Context.key("fedlink-client-max-message-size");

    private ClientCallContext() {
    }
}
