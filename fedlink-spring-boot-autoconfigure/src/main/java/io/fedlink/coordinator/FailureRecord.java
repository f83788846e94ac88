package io.fedlink.coordinator;

import java.util.Objects;

/**
 * One client's failure in a round, as kept in the {@link History} (and its checkpoints): plain strings, no
 * live objects.
 *
 * @param clientId the client's server-made id
 * @param phase    whether it failed to fit or to evaluate
 * @param error    the simple name of the exception type ({@code ClientReplyTimeoutException}, ...)
 * @param message  the exception's message
 */
public record FailureRecord(String clientId, Phase phase, String error, String message) {

    /** The part of a round a failure happened in. */
    public enum Phase { FIT, EVALUATE }

    public FailureRecord {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(message, "message");
    }

    /** The record of a live {@link ClientFailure}. */
    public static FailureRecord of(Phase phase, ClientFailure failure) {
        return new FailureRecord(failure.clientId(), phase, failure.error().getClass().getSimpleName(), failure.reason());
    }
}
