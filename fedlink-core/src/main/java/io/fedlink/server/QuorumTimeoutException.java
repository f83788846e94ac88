package io.fedlink.server;

import io.fedlink.FedlinkException;
import java.time.Duration;

/** Fewer clients than required were connected when a quorum wait reached its bound. */
public class QuorumTimeoutException extends FedlinkException {

    private final int required;
    private final int connected;

    public QuorumTimeoutException(int required, int connected, Duration timeout) {
        super("Waited " + timeout + " for " + required + " connected clients but only " + connected
                + " connected; start more clients or raise fedlink.server.quorum.timeout");
        this.required = required;
        this.connected = connected;
    }

    /** How many clients were asked for. */
    public int required() {
        return required;
    }

    /** How many were connected when the wait gave up. */
    public int connected() {
        return connected;
    }
}
