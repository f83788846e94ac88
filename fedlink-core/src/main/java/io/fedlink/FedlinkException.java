package io.fedlink;

/**
 * Root of every unchecked exception fedlink throws. Catch this to handle any fedlink failure;
 * catch a subtype to react to one cause (a disconnected client, a reply timeout, ...).
 */
public class FedlinkException extends RuntimeException {

    public FedlinkException(String message) {
        super(message);
    }

    public FedlinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
