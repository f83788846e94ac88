package io.fedlink.server;

import io.fedlink.SettingNames;
import java.time.Duration;
import java.util.Objects;

/**
 * How every client stream treats replies.
 *
 * @param replyTimeout  how long an instruction waits for its reply unless the call names its own bound
 * @param timeoutPolicy whether a client that missed its reply deadline is dropped or kept
 * @param maxMessageSize the coordinator's inbound message limit in bytes (enforced by the transport), announced to
 *                       fedlink clients so they refuse an oversized reply before sending it; 0 announces nothing
 * @param flowControl   how much is in flight for clients at once, in both directions
 * @param settingNames  how messages (logs, errors, statuses sent to clients) name the settings to change
 */
public record StreamSettings(Duration replyTimeout, TimeoutPolicy timeoutPolicy, int maxMessageSize,
                             FlowControl flowControl, SettingNames settingNames) {

    /** Settings that announce no message limit to clients, with {@link FlowControl#defaults()}. */
    public StreamSettings(Duration replyTimeout, TimeoutPolicy timeoutPolicy) {
        this(replyTimeout, timeoutPolicy, 0);
    }

    /**
     * Settings with {@link FlowControl#defaults()}, whose messages name settings the runtime's way
     * ({@link SettingNames#neutral()}).
     */
    public StreamSettings(Duration replyTimeout, TimeoutPolicy timeoutPolicy, int maxMessageSize) {
        this(replyTimeout, timeoutPolicy, maxMessageSize, FlowControl.defaults(), SettingNames.neutral());
    }

    /** Settings with {@link FlowControl#defaults()} whose messages name settings by {@code settingNames}. */
    public StreamSettings(Duration replyTimeout, TimeoutPolicy timeoutPolicy, int maxMessageSize,
                          SettingNames settingNames) {
        this(replyTimeout, timeoutPolicy, maxMessageSize, FlowControl.defaults(), settingNames);
    }

    /** Settings whose messages name settings the runtime's way ({@link SettingNames#neutral()}). */
    public StreamSettings(Duration replyTimeout, TimeoutPolicy timeoutPolicy, int maxMessageSize,
                          FlowControl flowControl) {
        this(replyTimeout, timeoutPolicy, maxMessageSize, flowControl, SettingNames.neutral());
    }

    public StreamSettings {
        Objects.requireNonNull(replyTimeout, "replyTimeout");
        Objects.requireNonNull(timeoutPolicy, "timeoutPolicy");
        Objects.requireNonNull(flowControl, "flowControl");
        Objects.requireNonNull(settingNames, "settingNames");
        if (replyTimeout.isNegative() || replyTimeout.isZero()) {
            throw new IllegalArgumentException("replyTimeout must be positive, was " + replyTimeout);
        }
        if (maxMessageSize < 0) {
            throw new IllegalArgumentException("maxMessageSize must be zero (not announced) or positive, was " + maxMessageSize);
        }
    }
}
