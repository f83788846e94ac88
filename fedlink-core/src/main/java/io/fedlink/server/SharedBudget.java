package io.fedlink.server;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;

/**
 * A budget that all the streams of a servicer draw from, first come first served: the bytes of instructions queued
 * for sending (the send budget), or the large replies being received (receive permits, one unit each). A request is
 * granted once its units fit under the capacity; the others wait their turn and are granted, in order, as units come
 * back. A request larger than the whole capacity is granted when nothing else is held, so that every request can be
 * served. Thread-safe; grants run outside the budget's lock, on the thread that asked or gave back.
 */
final class SharedBudget {

    private record Waiter(long units, BooleanSupplier grant) {
    }

    private final long capacity;
    private final Deque<Waiter> waiting = new ArrayDeque<>();
    private long used;

    /** @param capacity units that may be held at once, at least 1 */
    SharedBudget(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a budget must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    /** Units held now. */
    synchronized long used() {
        return used;
    }

    /** Requests waiting now. */
    synchronized int waiting() {
        return waiting.size();
    }

    /**
     * Asks for {@code units}; {@code grant} runs once they are reserved: at once on this thread if they fit now, else
     * later on the thread that gives units back. It returns whether it used them; if not (its stream closed while it
     * waited), they are given back at once. Whoever used them calls {@link #release} when done with them.
     */
    void acquire(long units, BooleanSupplier grant) {
        boolean now;
        synchronized (this) {
            now = waiting.isEmpty() && fits(units);
            if (now) {
                used += units;
            } else {
                waiting.add(new Waiter(units, grant));
            }
        }
        if (now && !grant.getAsBoolean()) {
            release(units);
        }
    }

    /** Gives {@code units} back and grants the waiting requests, in order, while they fit. */
    void release(long units) {
        long returned = units;
        while (returned > 0) {
            Deque<Waiter> granted = new ArrayDeque<>();
            synchronized (this) {
                used -= returned;
                while (!waiting.isEmpty() && fits(waiting.peek().units())) {
                    Waiter next = waiting.poll();
                    used += next.units();
                    granted.add(next);
                }
            }
            returned = 0;
            for (Waiter waiter : granted) {
                if (!waiter.grant().getAsBoolean()) {
                    returned += waiter.units();
                }
            }
        }
    }

    private boolean fits(long units) {
        return used == 0 || used + units <= capacity;
    }
}
