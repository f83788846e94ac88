package io.fedlink.wire;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport's buffers behind a message parsed in place ({@link InPlaceParser}): the message's {@code bytes}
 * fields (a model's tensors) are views of them, so the message may be read only until they are released. Whoever
 * holds a {@code ReceivedBuffers} releases it exactly when the message is done with; after that the memory goes back
 * to gRPC's pool and holds other data. Releasing is idempotent and thread-safe. A message that was copied onto the
 * heap has {@link #NONE}.
 */
public final class ReceivedBuffers {

    private static final Logger log = LoggerFactory.getLogger(ReceivedBuffers.class);

    /** Nothing held: the message owns its bytes. */
    public static final ReceivedBuffers NONE = new ReceivedBuffers(null);

    private final AtomicReference<InputStream> held;

    private ReceivedBuffers(InputStream detached) {
        this.held = new AtomicReference<>(detached);
    }

    /** Buffers that {@code detached} (a stream the transport handed over) holds until it is closed. */
    static ReceivedBuffers of(InputStream detached) {
        return new ReceivedBuffers(detached);
    }

    /** Whether transport buffers are still held (not yet released, and not {@link #NONE}). */
    public boolean holdsAny() {
        return held.get() != null;
    }

    /**
     * Moves what is held to a new {@code ReceivedBuffers}, the new owner's to release, and leaves this one holding
     * nothing (so that releasing it, as a guard on every other path, does not cut the new owner short).
     */
    public ReceivedBuffers transfer() {
        InputStream stream = held.getAndSet(null);
        return stream == null ? NONE : new ReceivedBuffers(stream);
    }

    /** Gives the buffers back to the transport; the message must not be read any more. Later calls do nothing. */
    public void release() {
        InputStream stream = held.getAndSet(null);
        if (stream == null) {
            return;
        }
        try {
            stream.close();
        } catch (IOException | RuntimeException e) {
            log.warn("Releasing received buffers failed", e);
        }
    }

    /** Releases the buffers once {@code done} completes, normally or not (at once if it already has). */
    public void releaseWhen(CompletionStage<?> done) {
        if (!holdsAny()) {
            return;
        }
        done.whenComplete((ignored, error) -> release());
    }

    @Override
    public String toString() {
        return holdsAny() ? "received buffers (held)" : "received buffers (none)";
    }
}
