package io.fedlink.relay;

import java.time.Duration;
import java.util.Objects;

/**
 * How a relay serves its clients ({@code fedlink.relay.*}).
 *
 * @param minClients       clients that must be connected before the relay joins upstream, and before it fans out an
 *                         instruction (that wait is bounded by the client manager's quorum timeout)
 * @param fitTimeout       how long each client has to answer {@code fit_ins} (and {@code get_parameters_ins}); keep it
 *                         below the upstream coordinator's own timeout for the relay's reply
 * @param evaluateTimeout  how long each client has to answer {@code evaluate_ins}
 * @param maxInFlight      most instructions outstanding on the relay's clients at once
 * @param acceptFailures   whether the relay answers with the others' mean when some of its clients failed; false
 *                         answers with a non-OK status instead, so an upstream {@code accept_failures=False} sees them
 * @param passOnEndOfTraining whether {@code reconnect_ins{seconds: 0}} from upstream (the end of training) is sent on
 *                         to every client of the relay
 */
public record RelaySettings(int minClients, Duration fitTimeout, Duration evaluateTimeout, int maxInFlight,
                            boolean acceptFailures, boolean passOnEndOfTraining) {

    public RelaySettings {
        if (minClients < 1) {
            throw new IllegalArgumentException("minClients must be at least 1, was " + minClients);
        }
        requirePositive("fitTimeout", fitTimeout);
        requirePositive("evaluateTimeout", evaluateTimeout);
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
        }
    }

    /** One client, 10-minute fit and evaluate timeouts, 64 in flight (as {@code fedlink.server.training.max-in-flight}), failures accepted, end of training passed on. */
    public static RelaySettings defaults() {
        return new RelaySettings(1, Duration.ofMinutes(10), Duration.ofMinutes(10), 64, true, true);
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
