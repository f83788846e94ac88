package io.fedlink.client;

import io.fedlink.FedlinkException;
import io.grpc.Status;
import java.util.Optional;

/** The stream to the coordinator is closed: it ended, failed, or was closed by this side. */
public class ConnectionClosedException extends FedlinkException {

    private final transient Status status;

    public ConnectionClosedException(String message, Status status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The gRPC status the stream ended with, if it ended on the wire. */
    public Optional<Status> status() {
        return Optional.ofNullable(status);
    }
}
