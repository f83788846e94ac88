package io.fedlink.coordinator;

import io.fedlink.server.ClientFailure;
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

    /**
     * Longest message {@link #of} keeps. Messages can quote what a client sent (a status message, a tensor header),
     * and a record is kept in every round's history, checkpoint and log line.
     */
    public static final int MAX_MESSAGE_LENGTH = 1000;

    /** The record of a live {@link ClientFailure}; a message longer than {@link #MAX_MESSAGE_LENGTH} is cut. */
    public static FailureRecord of(Phase phase, ClientFailure failure) {
        String reason = failure.reason();
        String message = reason.length() <= MAX_MESSAGE_LENGTH ? reason
                : reason.substring(0, MAX_MESSAGE_LENGTH) + "... (cut: " + reason.length() + " characters in all)";
        return new FailureRecord(failure.clientId(), phase, failure.error().getClass().getSimpleName(), message);
    }
}
