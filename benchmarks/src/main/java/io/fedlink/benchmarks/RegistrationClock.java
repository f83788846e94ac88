package io.fedlink.benchmarks;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Counts client registrations and remembers when the first and the latest happened (thread-safe). */
final class RegistrationClock {

    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong firstNanos = new AtomicLong(Long.MIN_VALUE);
    private volatile long latestNanos;

    /** Called on the gRPC thread that registered a client. */
    void registered() {
        long now = System.nanoTime();
        firstNanos.compareAndSet(Long.MIN_VALUE, now);
        latestNanos = now;
        count.incrementAndGet();
    }

    int count() {
        return count.get();
    }

    /** Nanoseconds from the first registration to the latest one; 0 before the second. */
    long spanNanos() {
        long first = firstNanos.get();
        return first == Long.MIN_VALUE ? 0 : Math.max(0, latestNanos - first);
    }
}
