package io.fedlink.client;

import java.time.Duration;

/**
 * Told what a {@link ClientRunner} does with its connection, for example to feed a health indicator, metrics or a
 * test. Called on the runner's thread, in order; a listener must return quickly and must not call
 * {@link ClientRunner#stop()}-and-wait from here (a plain {@code stop()} is fine: it does not wait when called on the
 * runner's own thread). An exception thrown by a listener is logged and otherwise ignored.
 */
public interface ClientRunnerListener {

    /**
     * A stream to the coordinator is established.
     *
     * @param session 1 for the first stream of this runner, counting up with every reconnect
     */
    default void connected(String target, int session) {
    }

    /**
     * A connection attempt failed before a stream was established (refused, unresolvable, TLS failure, ...).
     * {@code cause} is usually a {@link ConnectionClosedException} carrying the gRPC status.
     */
    default void connectFailed(String target, Throwable cause) {
    }

    /**
     * An established stream ended. Follows {@link #connected}.
     *
     * @param cause why it ended, or {@code null} when this client hung up itself (on a {@code reconnect_ins} or
     *              {@link ClientRunner#stop()})
     */
    default void disconnected(String target, Throwable cause) {
    }

    /**
     * The coordinator ended the training ({@code reconnect_ins{seconds: 0}}, Flower's end of training): the runner
     * has answered, hung up and now stops. Follows {@link #disconnected}; a relay passes the end on to its own clients
     * from here.
     */
    default void shutdownRequested(String target) {
    }

    /**
     * The runner will connect again after {@code delay}: the coordinator's {@code reconnect_ins} delay, or a
     * backoff delay after a failure.
     *
     * @param failedAttempts connection attempts in a row that ended without an instruction so far (0 after a
     *                       session that answered at least one instruction)
     */
    default void reconnecting(String target, Duration delay, int failedAttempts) {
    }
}
