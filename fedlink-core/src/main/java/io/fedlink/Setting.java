package io.fedlink;

/**
 * A setting that fedlink's messages point to ("start more clients or raise the quorum timeout"). Messages name it
 * through {@link SettingNames}: by default with its {@linkplain #neutralName() neutral name}, the runtime's own
 * name for it (a constructor parameter, a record component, a gRPC builder method); the Spring Boot wiring names
 * the property key instead ({@code fedlink.server.quorum.timeout}), so each user reads the name they set.
 */
public enum Setting {

    /** Clients a training round waits for. */
    QUORUM_MIN_CLIENTS("minClients"),
    /** Bound of every quorum wait that names no bound of its own. */
    QUORUM_TIMEOUT("quorumTimeout"),
    /** Whether a client that missed its reply deadline is dropped or kept. */
    TIMEOUT_POLICY("timeoutPolicy"),
    /** The most clients the coordinator registers at once. */
    MAX_CLIENTS("maxClients"),
    /** The largest message the coordinator accepts from a client. */
    SERVER_MAX_MESSAGE_SIZE("maxMessageSize"),
    /** Bytes of instructions the coordinator queues for sending at once, across clients. */
    SEND_BUDGET("sendBudget"),
    /** How often clients may send keepalive pings to the coordinator. */
    SERVER_KEEPALIVE_PERMIT_TIME("permitKeepAliveTime"),
    /** The largest message a client accepts from the coordinator. */
    CLIENT_MAX_MESSAGE_SIZE("maxMessageSize"),
    /** The token a client presents to a coordinator that authenticates clients. */
    CLIENT_AUTH_TOKEN("BearerTokenCredentials"),
    /** Whether a client's channel speaks TLS or plaintext. */
    CLIENT_TRANSPORT_SECURITY("the channel's transport security (usePlaintext/useTransportSecurity)"),
    /** The certificates a client's channel trusts. */
    CLIENT_TRUSTED_CERTIFICATES("the channel's trusted certificates"),
    /** How often a client's channel pings an idle connection. */
    CLIENT_KEEPALIVE_TIME("keepAliveTime"),
    /** Delay before a client's first reconnect attempt. */
    RECONNECT_INITIAL_BACKOFF("Backoff.initial"),
    /** Longest delay between a client's reconnect attempts. */
    RECONNECT_MAX_BACKOFF("Backoff.max"),
    /** Growth of the delay from one reconnect attempt to the next. */
    RECONNECT_MULTIPLIER("Backoff.multiplier"),
    /** Share of each reconnect delay drawn at random. */
    RECONNECT_JITTER("Backoff.jitter"),
    /** Failed reconnect attempts in a row before a client gives up. */
    RECONNECT_MAX_ATTEMPTS("Backoff.maxAttempts");

    private final String neutralName;

    Setting(String neutralName) {
        this.neutralName = neutralName;
    }

    /** The runtime's own name for this setting, as messages use it outside Spring. */
    public String neutralName() {
        return neutralName;
    }
}
