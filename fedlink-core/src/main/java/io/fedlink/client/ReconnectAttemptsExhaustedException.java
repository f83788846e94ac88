package io.fedlink.client;

import io.fedlink.FedlinkException;
import io.fedlink.Setting;
import io.fedlink.SettingNames;

/**
 * A {@link ClientRunner} gave up: {@link Backoff#maxAttempts()} connection attempts in a row ended without a single
 * instruction from the coordinator. The cause is the last attempt's failure.
 */
public class ReconnectAttemptsExhaustedException extends FedlinkException {

    private final String target;
    private final int attempts;

    /**
     * @param names how the message names {@link Setting#RECONNECT_MAX_ATTEMPTS}
     */
    public ReconnectAttemptsExhaustedException(String target, int attempts, Throwable cause, SettingNames names) {
        super("Gave up connecting to coordinator " + target + ": " + attempts + " attempt(s) in a row ended without an"
                + " instruction (" + names.of(Setting.RECONNECT_MAX_ATTEMPTS) + "=" + attempts + ")"
                + (cause == null ? "" : "; last error: " + cause.getMessage())
                + ". Check that the coordinator runs and is reachable at " + target
                + ", or raise " + names.of(Setting.RECONNECT_MAX_ATTEMPTS) + " (0 retries forever)", cause);
        this.target = target;
        this.attempts = attempts;
    }

    /** The coordinator's address. */
    public String target() {
        return target;
    }

    /** How many attempts in a row failed. */
    public int attempts() {
        return attempts;
    }
}
