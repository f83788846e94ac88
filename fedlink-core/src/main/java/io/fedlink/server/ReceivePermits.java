package io.fedlink.server;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;

/**
 * How many large replies the coordinator receives at once, across all streams (inbound flow control). A stream that
 * expects a large reply asks gRPC for it only while it holds a permit; the other clients' replies wait in HTTP/2 flow
 * control (one flow-control window each, on the coordinator) until a permit is free. Permits go first come first
 * served. Thread-safe; grants run outside the lock, on the thread that acquired or released.
 */
final class ReceivePermits {

    private final int permits;
    private final Deque<BooleanSupplier> waiting = new ArrayDeque<>();
    private int available;

    /** @param permits large replies received at once, at least 1 */
    ReceivePermits(int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("at least one large reply must be received at a time, was " + permits);
        }
        this.permits = permits;
        this.available = permits;
    }

    int permits() {
        return permits;
    }

    /** Permits held now. */
    synchronized int held() {
        return permits - available;
    }

    /** Streams waiting for a permit now. */
    synchronized int waiting() {
        return waiting.size();
    }

    /**
     * Asks for a permit; {@code grant} runs once it is reserved: at once on this thread if one is free, else later on
     * the thread that releases one. It returns whether it took the permit; if not (its stream closed meanwhile), the
     * permit passes on. Whoever took it calls {@link #release} once.
     */
    void acquire(BooleanSupplier grant) {
        boolean now;
        synchronized (this) {
            now = waiting.isEmpty() && available > 0;
            if (now) {
                available--;
            } else {
                waiting.add(grant);
            }
        }
        if (now && !grant.getAsBoolean()) {
            release();
        }
    }

    /** Returns a permit: the longest waiting stream gets it. */
    void release() {
        while (true) {
            BooleanSupplier next;
            synchronized (this) {
                next = waiting.poll();
                if (next == null) {
                    available++;
                    return;
                }
            }
            if (next.getAsBoolean()) {
                return;
            }
        }
    }
}
