package io.fedlink.relay;

import io.fedlink.FedlinkException;

/**
 * A relay could not answer its upstream coordinator's instruction (no client connected in time, none answered, or a
 * client failed while {@code fedlink.relay.accept-failures} is false). The upstream coordinator receives the reply
 * with a non-OK status carrying this message, and counts it as this relay's failure.
 */
public class RelayException extends FedlinkException {

    public RelayException(String message) {
        super(message);
    }

    public RelayException(String message, Throwable cause) {
        super(message, cause);
    }
}
