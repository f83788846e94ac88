package io.fedlink.server;

import io.fedlink.FedlinkException;
import io.fedlink.Setting;
import io.fedlink.SettingNames;
import java.time.Duration;

/** Fewer clients than required were connected when a quorum wait reached its bound. */
public class QuorumTimeoutException extends FedlinkException {

    private final int required;
    private final int connected;

    /** A message that names the quorum timeout the runtime's way ({@link SettingNames#neutral()}). */
    public QuorumTimeoutException(int required, int connected, Duration timeout) {
        this(required, connected, timeout, SettingNames.neutral());
    }

    /**
     * @param names how the message names {@link Setting#QUORUM_TIMEOUT}
     */
    public QuorumTimeoutException(int required, int connected, Duration timeout, SettingNames names) {
        super("Waited " + timeout + " for " + required + " connected clients but only " + connected
                + " connected; start more clients or raise " + names.of(Setting.QUORUM_TIMEOUT));
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
