package io.fedlink.benchmarks;

import java.util.Arrays;

/** The "copy" baseline: how long this machine takes to copy a number of bytes once, heap array to heap array. */
final class CopyBaseline {

    private static final int CHUNK = 64 * 1024 * 1024;

    private CopyBaseline() {
    }

    /**
     * Best of three timings of copying {@code totalBytes} with {@link System#arraycopy}, in 64 MiB chunks (larger
     * than any CPU cache, so this is memory bandwidth), after one warm-up pass.
     */
    static double seconds(long totalBytes) {
        int chunk = (int) Math.min(CHUNK, totalBytes);
        byte[] source = new byte[chunk];
        byte[] target = new byte[chunk];
        Arrays.fill(source, (byte) 7);
        copy(source, target, totalBytes);
        long best = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 3; attempt++) {
            long started = System.nanoTime();
            copy(source, target, totalBytes);
            best = Math.min(best, System.nanoTime() - started);
        }
        if (target[chunk - 1] != 7) {
            throw new AssertionError("copy did not happen");
        }
        return best / 1e9;
    }

    private static void copy(byte[] source, byte[] target, long totalBytes) {
        long left = totalBytes;
        while (left > 0) {
            int n = (int) Math.min(source.length, left);
            System.arraycopy(source, 0, target, 0, n);
            left -= n;
        }
    }
}
