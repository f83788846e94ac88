package io.fedlink.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling for conditions that change on other threads. */
public final class Waits {

    private Waits() {
    }

    /** Polls until {@code condition} holds; fails with {@code what} after {@code bound}. */
    public static void until(String what, Duration bound, BooleanSupplier condition) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + bound + " waiting until " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting until " + what, e);
            }
        }
    }
}
