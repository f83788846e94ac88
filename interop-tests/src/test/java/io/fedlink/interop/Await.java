package io.fedlink.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition with a deadline (Awaitility is not on the class path). */
final class Await {

    private Await() {
    }

    static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("Not true within " + timeout + ": " + what);
            }
            PeerProcess.sleep(Duration.ofMillis(25));
        }
    }
}
