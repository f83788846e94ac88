package io.fedlink.server;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import io.fedlink.wire.InBandStatus;
import io.fedlink.wire.Instructions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells the {@link InstructionListener}s how each instruction ended; a listener that throws is logged and skipped. */
final class InstructionReporter {

    private static final Logger log = LoggerFactory.getLogger(InstructionReporter.class);

    private final List<InstructionListener> listeners;

    /** @param listeners a live, thread-safe list: listeners added later are told of later outcomes */
    InstructionReporter(List<InstructionListener> listeners) {
        this.listeners = listeners;
    }

    /**
     * Reports {@code reply}'s outcome once it completes, and returns the future to hand the caller: it completes the
     * same way, after the listeners ran, so a meter read right after a call returned or threw already counts it.
     *
     * @param bytesSent read at completion: the marshalled size of the instruction if it was written to the stream,
     *                  0 if it was refused (busy, too large, closed) before any byte went out
     */
    CompletableFuture<ClientMessage> watch(ClientStream client, ServerMessage.MsgCase instruction,
                                           CompletableFuture<ClientMessage> reply, LongSupplier bytesSent) {
        if (listeners.isEmpty()) {
            return reply;
        }
        long started = System.nanoTime();
        String name = Instructions.name(instruction);
        CompletableFuture<ClientMessage> recorded = new CompletableFuture<>();
        reply.whenComplete((message, failure) -> {
            report(client, name, Duration.ofNanos(System.nanoTime() - started), outcome(message, failure),
                    bytesSent.getAsLong(), message == null ? 0 : message.getSerializedSize());
            if (failure == null) {
                recorded.complete(message);
            } else {
                recorded.completeExceptionally(failure);
            }
        });
        return recorded;
    }

    private void report(ClientStream client, String name, Duration duration, InstructionListener.Outcome outcome,
                        long sent, long received) {
        for (InstructionListener listener : listeners) {
            try {
                listener.completed(client, name, outcome, duration, sent, received);
            } catch (RuntimeException e) {
                log.warn("Instruction listener {} failed", listener, e);
            }
        }
    }

    private static InstructionListener.Outcome outcome(ClientMessage message, Throwable failure) {
        if (failure == null) {
            return InBandStatus.isOk(message) ? InstructionListener.Outcome.OK : InstructionListener.Outcome.ERROR;
        }
        if (failure instanceof ClientReplyTimeoutException) {
            return InstructionListener.Outcome.TIMEOUT;
        }
        if (failure instanceof ClientDisconnectedException) {
            return InstructionListener.Outcome.DISCONNECTED;
        }
        return InstructionListener.Outcome.ERROR;
    }
}
