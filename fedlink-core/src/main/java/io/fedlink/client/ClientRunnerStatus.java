package io.fedlink.client;

/**
 * A snapshot of what a {@link ClientRunner} is doing and has done.
 *
 * @param phase                what the runner is doing now
 * @param sessions             streams established so far
 * @param instructionsAnswered replies sent so far, over all sessions (a {@code disconnect_res} included)
 * @param failedAttempts       connection attempts in a row that ended without an instruction (reset by a session
 *                             that answered one); compared with {@link Backoff#maxAttempts()}
 * @param lastError            why the last stream or connection attempt ended, or {@code null} if none has failed
 */
public record ClientRunnerStatus(Phase phase, int sessions, long instructionsAnswered, int failedAttempts,
                                 Throwable lastError) {

    /** What a {@link ClientRunner} is doing. */
    public enum Phase {
        /** Created; neither {@code run()} nor {@code start()} was called yet. */
        NEW,
        /** A stream is being opened. */
        CONNECTING,
        /** A stream is established: waiting for, or handling, an instruction. */
        CONNECTED,
        /** Waiting before the next connection attempt (backoff, or the delay of a {@code reconnect_ins}). */
        WAITING_TO_RECONNECT,
        /** Ended by {@code stop()} (or by an interrupt of the thread that called {@code run()}). */
        STOPPED,
        /** Ended because {@link Backoff#maxAttempts()} attempts in a row failed. */
        GAVE_UP,
        /** Ended by an unexpected error (an {@link Error} thrown by the client, for example). */
        FAILED;

        /** Whether the runner has ended for good. */
        public boolean isTerminal() {
            return this == STOPPED || this == GAVE_UP || this == FAILED;
        }
    }
}
