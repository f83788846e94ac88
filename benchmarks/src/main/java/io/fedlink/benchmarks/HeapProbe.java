package io.fedlink.benchmarks;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
