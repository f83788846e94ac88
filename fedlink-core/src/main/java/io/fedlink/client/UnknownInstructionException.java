package io.fedlink.client;

import io.fedlink.FedlinkException;

/**
 * The coordinator sent a message with no instruction this client can answer. No reply case fits, so the client
 * ends the stream and reconnects.
 */
public class UnknownInstructionException extends FedlinkException {

    public UnknownInstructionException(String message) {
        super(message);
    }
}
