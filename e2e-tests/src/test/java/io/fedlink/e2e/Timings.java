package io.fedlink.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;

/**
 * Records measured fault-detection times: one tab-separated line per measurement in
 * {@code e2e-tests/target/reliability-timings.tsv} (the figures RELIABILITY.md quotes) and on standard output.
 */
final class Timings {

    static final Path FILE = SampleFederation.REPOSITORY.resolve("e2e-tests/target/reliability-timings.tsv");

    private Timings() {
    }

    /** Records that {@code scenario} took {@code measured}, with the bound it was checked against. */
    static void record(String scenario, Duration measured, Duration bound) {
        String line = String.format(Locale.ROOT, "%s\t%s\t%d ms\tbound %d ms%n", java.time.Instant.now(), scenario,
                measured.toMillis(), bound.toMillis());
        System.out.print("TIMING " + line);
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Duration since(long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime);
    }
}
