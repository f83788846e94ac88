package io.fedlink.server;

/**
 * An instruction was sent to a client that still has one outstanding: the wire carries no
 * correlation id, so a stream holds strictly one instruction at a time.
 */
public class ClientBusyException extends ClientException {

    public ClientBusyException(String clientId, String message) {
        super(clientId, message);
    }
}
