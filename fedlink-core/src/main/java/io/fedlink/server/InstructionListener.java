package io.fedlink.server;

import java.time.Duration;

/**
 * Told of every instruction's outcome (metrics, logs). Runs on the thread that completed the instruction, often a
 * gRPC or timer thread: it must be quick and must not block.
 */
@FunctionalInterface
public interface InstructionListener {

    /** How an instruction ended. */
    enum Outcome {
        /** The client replied with the right case and an OK (or absent) in-band status. */
        OK,
        /** No reply within the reply timeout. */
        TIMEOUT,
        /** The client's stream ended first. */
        DISCONNECTED,
        /** Anything else: a reply of the wrong case, a non-OK in-band status, a refused send. */
        ERROR
    }

    /**
     * @param client      the client the instruction went to
     * @param instruction its wire name, such as {@code fit_ins}
     * @param outcome     how it ended
     * @param duration    from sending to the outcome
     * @param bytesSent   serialized size of the instruction
     * @param bytesReceived serialized size of the reply, 0 when there was none
     */
    void completed(ClientStream client, String instruction, Outcome outcome, Duration duration, long bytesSent,
                   long bytesReceived);
}
