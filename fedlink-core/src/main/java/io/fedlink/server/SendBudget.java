package io.fedlink.server;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;

/**
 * The bytes of instructions the coordinator has handed to gRPC and that have not yet gone out, across all streams:
 * what sits in the transport's (direct) buffers. An instruction is written only once its bytes fit under the
 * capacity; the others wait their turn, first come first served, and go out as earlier ones leave. One instruction
 * larger than the whole capacity is let through when nothing else is queued, so that every instruction can be sent.
 * Thread-safe; grants run outside the budget's lock, on the thread that acquired or released.
 */
final class SendBudget {

    private record Waiter(long bytes, BooleanSupplier grant) {
    }

    private final long capacity;
    private final Deque<Waiter> waiting = new ArrayDeque<>();
    private long used;

    /** @param capacity bytes that may be queued for sending at once, at least 1 */
    SendBudget(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the send budget must be at least 1 byte, was " + capacity);
        }
        this.capacity = capacity;
    }

    long capacity() {
        return capacity;
    }

    /** Bytes queued for sending now. */
    synchronized long used() {
        return used;
    }

    /**
     * Asks for {@code bytes}; {@code grant} runs once they are reserved: at once on this thread if they fit now, else
     * later on the thread that frees room. It returns whether it used them; if not, they are given back at once (the
     * stream closed while it waited). Whoever used them calls {@link #release} when the bytes have gone out.
     */
    void acquire(long bytes, BooleanSupplier grant) {
        boolean now;
        synchronized (this) {
            now = waiting.isEmpty() && fits(bytes);
            if (now) {
                used += bytes;
            } else {
                waiting.add(new Waiter(bytes, grant));
            }
        }
        if (now && !grant.getAsBoolean()) {
            release(bytes);
        }
    }

    /** Gives {@code bytes} back and lets waiting instructions go out, in order, while they fit. */
    void release(long bytes) {
        long returned = bytes;
        while (returned > 0) {
            Deque<Waiter> granted = new ArrayDeque<>();
            synchronized (this) {
                used -= returned;
                while (!waiting.isEmpty() && fits(waiting.peek().bytes())) {
                    Waiter next = waiting.poll();
                    used += next.bytes();
                    granted.add(next);
                }
            }
            returned = 0;
            for (Waiter waiter : granted) {
                if (!waiter.grant().getAsBoolean()) {
                    returned += waiter.bytes();
                }
            }
        }
    }

    private boolean fits(long bytes) {
        return used == 0 || used + bytes <= capacity;
    }
}
