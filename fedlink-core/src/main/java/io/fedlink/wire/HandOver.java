package io.fedlink.wire;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Carries the {@link ReceivedBuffers} of a message parsed in place from a marshaller's {@code parse} to the call's
 * listener, which receives only the message: gRPC calls one right after the other, on the same thread, for each
 * message. Keyed by identity (protobuf messages compare by content). Thread-safe.
 *
 * @param <T> the message type
 */
public final class HandOver<T> {

    private final Map<T, ReceivedBuffers> waiting = new IdentityHashMap<>();

    /** Holds {@code buffers} for {@code message} until {@link #take}; {@link ReceivedBuffers#NONE} is not held. */
    public void put(T message, ReceivedBuffers buffers) {
        if (!buffers.holdsAny()) {
            return;
        }
        ReceivedBuffers earlier;
        synchronized (waiting) {
            earlier = waiting.put(message, buffers);
        }
        if (earlier != null) {
            earlier.release(); // the same instance parsed twice cannot happen; never leak the first
        }
    }

    /** The buffers of {@code message}, now the caller's to release; {@link ReceivedBuffers#NONE} if it owns its bytes. */
    public ReceivedBuffers take(T message) {
        ReceivedBuffers buffers;
        synchronized (waiting) {
            buffers = waiting.remove(message);
        }
        return buffers != null ? buffers : ReceivedBuffers.NONE;
    }

    /** Messages parsed in place whose buffers nobody has taken yet. */
    public int waiting() {
        synchronized (waiting) {
            return waiting.size();
        }
    }
}
