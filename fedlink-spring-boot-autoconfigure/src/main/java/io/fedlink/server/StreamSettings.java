package io.fedlink.server;

import java.time.Duration;
import java.util.Objects;

/**
 * How every client stream treats replies.
 *
 * @param replyTimeout  how long an instruction waits for its reply unless the call names its own bound
 * @param timeoutPolicy whether a client that missed its reply deadline is dropped or kept
 */
public record StreamSettings(Duration replyTimeout, TimeoutPolicy timeoutPolicy) {

    public StreamSettings {
        Objects.requireNonNull(replyTimeout, "replyTimeout");
        Objects.requireNonNull(timeoutPolicy, "timeoutPolicy");
        if (replyTimeout.isNegative() || replyTimeout.isZero()) {
            throw new IllegalArgumentException("replyTimeout must be positive, was " + replyTimeout);
        }
    }
}
