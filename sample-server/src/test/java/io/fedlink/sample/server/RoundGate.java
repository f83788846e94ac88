package io.fedlink.sample.server;

import java.time.Duration;
import java.util.Arrays;

/**
 * Lets a test decide how many fits each client may start, so it can look at the coordinator at a chosen moment of
 * training. A fit beyond its allowance waits (bounded: after {@link #BOUND} it goes ahead anyway, so a broken test
 * fails on its own assertions instead of hanging).
 */
final class RoundGate {

    static final Duration BOUND = Duration.ofMinutes(2);

    private final int[] allowed;

    RoundGate(int clients) {
        allowed = new int[clients];
    }

    /** Every client may start fits up to number {@code fits}. */
    synchronized void allow(int fits) {
        Arrays.fill(allowed, fits);
        notifyAll();
    }

    /** Client {@code client} may start fits up to number {@code fits}. */
    synchronized void allow(int client, int fits) {
        allowed[client] = fits;
        notifyAll();
    }

    /** Every fit may go ahead from now on. */
    void open() {
        allow(Integer.MAX_VALUE);
    }

    /** Blocks until client {@code client} may start its fit number {@code fit} (from 1), or {@link #BOUND} passes. */
    synchronized void awaitTurn(int client, int fit) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (fit > allowed[client]) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
