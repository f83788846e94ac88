package io.fedlink.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM started by the driver (see {@link ChildProtocol}): its standard output read line by line, its
 * standard error written to a log file, its standard input held open until {@link #close()}.
 */
final class ChildJvm implements AutoCloseable {

    private static final String END = "\u0000end";

    private final String name;
    private final Process process;
    private final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Map<String, Double> metrics = new LinkedHashMap<>();

    ChildJvm(String name, List<String> command, Path log) {
        this.name = name;
        this.log = log;
        try {
            process = new ProcessBuilder(command)
                    .redirectError(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + command, e);
        }
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The process went away; the end marker below tells the waiter.
            } finally {
                lines.add(END);
            }
        }, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    /**
     * Waits for the next line of the given kind and returns what follows the kind; {@code METRIC} lines met on
     * the way are kept (see {@link #metrics()}).
     *
     * @throws ChildFailedException if the child reports {@code FAILED}, exits, or is silent past the timeout
     */
    String await(String kind, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                throw new ChildFailedException(name + " did not say " + kind + " within " + timeout + "; see " + log);
            }
            if (line.equals(END)) {
                lines.add(END);
                throw new ChildFailedException(name + " exited (status " + exitStatus() + ") before saying " + kind
                        + "; see " + log);
            }
            int space = line.indexOf(' ');
            String lineKind = space < 0 ? line : line.substring(0, space);
            String rest = space < 0 ? "" : line.substring(space + 1);
            if (lineKind.equals(ChildProtocol.METRIC)) {
                String[] parts = rest.split(" ");
                metrics.put(parts[0], Double.parseDouble(parts[1]));
            } else if (lineKind.equals(ChildProtocol.FAILED)) {
                throw new ChildFailedException(name + " failed: " + rest + "; see " + log);
            } else if (lineKind.equals(ChildProtocol.INFO)) {
                System.out.println("  " + name + ": " + rest);
            }
            if (lineKind.equals(kind)) {
                return rest;
            }
        }
    }

    /** Every metric the child has reported so far, by key. */
    Map<String, Double> metrics() {
        return metrics;
    }

    private String exitStatus() {
        try {
            return process.waitFor(2, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** Closes the child's standard input (it exits on its own), then destroys it if it lingers. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // Already gone.
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** A child did not do what the driver waited for. */
    static final class ChildFailedException extends RuntimeException {
        ChildFailedException(String message) {
            super(message);
        }
    }
}
