package io.fedlink.server;

import io.fedlink.FedlinkException;

/** A failure that concerns one connected client; {@link #clientId()} names it. */
public class ClientException extends FedlinkException {

    private final String clientId;

    public ClientException(String clientId, String message) {
        super(message);
        this.clientId = clientId;
    }

    public ClientException(String clientId, String message, Throwable cause) {
        super(message, cause);
        this.clientId = clientId;
    }

    /** The server-made id of the client this failure concerns. */
    public String clientId() {
        return clientId;
    }
}
