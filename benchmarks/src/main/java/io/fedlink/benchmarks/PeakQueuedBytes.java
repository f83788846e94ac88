package io.fedlink.benchmarks;

import java.util.function.LongSupplier;

/**
 * Samples a gauge every millisecond on a thread of its own and keeps its maximum: here the bytes fedlink's coordinator
 * has queued for sending ({@code ClientManagerServicer.bytesQueuedForSending()}), which its send budget bounds.
 */
final class PeakQueuedBytes implements AutoCloseable {

    private final Thread thread;
    private volatile boolean running = true;
    private volatile long peak;

    PeakQueuedBytes(LongSupplier gauge) {
        thread = new Thread(() -> {
            while (running) {
                peak = Math.max(peak, gauge.getAsLong());
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "peak-queued-bytes-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    long peak() {
        return peak;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
