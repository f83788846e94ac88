package io.fedlink.server;

import java.time.Duration;

/** The client did not reply to an instruction within its reply timeout. */
public class ClientReplyTimeoutException extends ClientException {

    private final Duration timeout;

    public ClientReplyTimeoutException(String clientId, String message, Duration timeout) {
        super(clientId, message);
        this.timeout = timeout;
    }

    /** How long the instruction waited for its reply. */
    public Duration timeout() {
        return timeout;
    }
}
