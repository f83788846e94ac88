package io.fedlink.server;

/** The client's stream ended (hang-up, cancel, transport error, keepalive) before it replied. */
public class ClientDisconnectedException extends ClientException {

    public ClientDisconnectedException(String clientId, String message, Throwable cause) {
        super(clientId, message, cause);
    }
}
