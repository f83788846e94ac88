package io.fedlink.benchmarks;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.management.JMException;
import javax.management.ObjectName;

/** Reads this JVM's memory: live heap after a full GC, NIO direct memory, and the process's resident set. */
final class HeapProbe {

    private HeapProbe() {
    }

    /**
     * Runs a full, stop-the-world collection ({@code System.gc()}; G1 without {@code ExplicitGCInvokesConcurrent})
     * and returns the heap still used: the bytes reachable at that moment, plus a little fragmentation.
     */
    static long liveHeapBytes() {
        ManagementFactory.getMemoryMXBean().gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** A class histogram of live objects: its first lines, and the total bytes of all live objects. */
    record Histogram(String top, long totalBytes) {
    }

    /**
     * A class histogram of live objects ({@code jcmd <pid> GC.class_histogram}, which runs a full GC first), taken
     * through the DiagnosticCommand MBean.
     */
    static Histogram liveClassHistogram() {
        String text;
        try {
            text = String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()}));
        } catch (JMException e) {
            throw new IllegalStateException("cannot take a class histogram", e);
        }
        String[] lines = text.split("\n");
        long total = -1;
        for (int i = lines.length - 1; i >= 0 && total < 0; i--) {
            String line = lines[i].trim();
            if (line.startsWith("Total")) {
                String[] parts = line.split("\\s+");
                total = Long.parseLong(parts[parts.length - 1]);
            }
        }
        return new Histogram(String.join("\n", Arrays.copyOf(lines, Math.min(lines.length, 14))), total);
    }

    /** CPU time this process has used so far (all threads, user and system), in nanoseconds; -1 if unknown. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /**
     * Bytes allocated on the heap so far by the threads alive now (HotSpot's per-thread allocation counters);
     * threads that ended since the last call no longer count, so compare two calls over a span in which threads
     * live on (gRPC's and Netty's pools keep theirs).
     */
    static long allocatedBytesOfLiveThreads() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads) {
            long total = 0;
            for (long allocated : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
                if (allocated > 0) {
                    total += allocated;
                }
            }
            return total;
        }
        return -1;
    }

    /** NIO direct buffers in use (where Netty's pooled and unpooled direct buffers live on Java 17 by default). */
    static long directBytes() {
        List<BufferPoolMXBean> pools = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
        for (BufferPoolMXBean pool : pools) {
            if ("direct".equals(pool.getName())) {
                return pool.getMemoryUsed();
            }
        }
        return -1;
    }

    /** The process's resident set size from {@code /proc/self/status}, or -1 where that file does not exist. */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
