package io.fedlink.coordinator;

import io.fedlink.FedlinkException;

/** A checkpoint could not be written (or the checkpoint directory cannot be used). */
public class CheckpointException extends FedlinkException {

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
