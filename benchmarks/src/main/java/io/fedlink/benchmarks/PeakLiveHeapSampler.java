package io.fedlink.benchmarks;

import java.lang.management.ManagementFactory;

/**
 * Samples the live heap on a thread of its own while a workload runs: a full GC, read the heap, sleep, repeat.
 * Each sample is a stop-the-world pause that slows every thread alike, so arrivals do not pile up behind it; the
 * maxima are lower bounds of the true peaks (a spike shorter than the interval can be missed).
 *
 * <p>Two numbers per sample: the heap G1 reports as used after the collection (what the JVM must have, including the
 * unused tail of the last region of every humongous array), and, with {@code histograms}, the bytes of all live
 * objects from a class histogram ({@code GC.class_histogram}, itself a full GC), whose top lines at the peak are kept.
 */
final class PeakLiveHeapSampler implements AutoCloseable {

    private final boolean histograms;
    private final Thread thread;
    private volatile boolean running = true;
    private long peakUsed;
    private long peakObjects;
    private long peakDirect;
    private long samples;
    private String histogramAtPeak = "";

    /** Starts sampling every {@code intervalMillis} (plus the length of the collection itself). */
    PeakLiveHeapSampler(long intervalMillis, boolean histograms) {
        this.histograms = histograms;
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
        HeapProbe.Histogram histogram = histograms ? HeapProbe.liveClassHistogram() : null;
        long used = histograms ? ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() : HeapProbe.liveHeapBytes();
        long direct = HeapProbe.directBytes();
        synchronized (this) {
            samples++;
            peakDirect = Math.max(peakDirect, direct);
            if (histogram != null) {
                peakObjects = Math.max(peakObjects, histogram.totalBytes());
            }
            if (used > peakUsed) {
                peakUsed = used;
                if (histogram != null) {
                    histogramAtPeak = histogram.top();
                }
            }
        }
    }

    /** Largest heap in use after a full GC. */
    synchronized long peakUsedBytes() {
        return peakUsed;
    }

    /** Largest total of live objects (0 without histograms). */
    synchronized long peakObjectBytes() {
        return peakObjects;
    }

    /** The first lines of the class histogram taken at the peak of {@link #peakUsedBytes()} (empty without histograms). */
    synchronized String histogramAtPeak() {
        return histogramAtPeak;
    }

    synchronized long peakDirectBytes() {
        return peakDirect;
    }

    synchronized long samples() {
        return samples;
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
