package io.fedlink.tensor;

import io.fedlink.FedlinkException;

/** Bytes that are not a NumPy {@code .npy} array fedlink can read, or an array that cannot be written as one. */
public class NpyFormatException extends FedlinkException {

    public NpyFormatException(String message) {
        super(message);
    }

    public NpyFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
