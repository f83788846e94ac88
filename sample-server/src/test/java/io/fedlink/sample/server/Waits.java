package io.fedlink.sample.server;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling for conditions that change on other threads. */
final class Waits {

    private Waits() {
    }

    /** Polls until {@code condition} holds; fails naming {@code what} after {@code bound}. */
    static void until(String what, Duration bound, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + bound + " waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
