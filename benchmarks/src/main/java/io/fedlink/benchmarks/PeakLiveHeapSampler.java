package io.fedlink.benchmarks;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples the live heap on a thread of its own while a workload runs: a full GC, read the heap used, sleep,
 * repeat. Each sample is a stop-the-world pause that slows every thread alike, so arrivals do not pile up
 * behind it; the maximum is a lower bound of the true peak (a spike shorter than the interval can be missed),
 * also tracks the largest NIO direct-memory use seen.
 */
final class PeakLiveHeapSampler implements AutoCloseable {

    private final AtomicLong peakLive = new AtomicLong();
    private final AtomicLong peakDirect = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    /** Starts sampling every {@code intervalMillis} (plus the length of the collection itself). */
    PeakLiveHeapSampler(long intervalMillis) {
        thread = new Thread(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(intervalMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "peak-live-heap-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    /** Takes one sample now, on the calling thread (for example right after the result is computed). */
    void sample() {
        long live = HeapProbe.liveHeapBytes();
        peakLive.accumulateAndGet(live, Math::max);
        peakDirect.accumulateAndGet(HeapProbe.directBytes(), Math::max);
        samples.incrementAndGet();
    }

    long peakLiveBytes() {
        return peakLive.get();
    }

    long peakDirectBytes() {
        return peakDirect.get();
    }

    long samples() {
        return samples.get();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
