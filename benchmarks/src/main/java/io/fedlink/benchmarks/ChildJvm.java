package io.fedlink.benchmarks;

import io.fedlink.test.process.ManagedProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A child JVM started by the driver (see {@link ChildProtocol}), read through the kit's {@link ManagedProcess}: its
 * standard output line by line, its standard error in a log file, its standard input held open until
 * {@link #close()}.
 */
final class ChildJvm implements AutoCloseable {

    private final ManagedProcess process;
    private final Map<String, Double> metrics = new LinkedHashMap<>();

    ChildJvm(ManagedProcess process) {
        this.process = process;
    }

    String name() {
        return process.name();
    }

    /** The child's standard error (its log). */
    Path log() {
        return process.errorLog();
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
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Optional<String> next = process.nextLine(left);
            if (next.isEmpty() && !process.isAlive()) {
                next = process.nextLine(Duration.ZERO); // what it wrote just before it exited
                if (next.isEmpty()) {
                    throw new ChildFailedException(name() + " exited before saying " + kind + "; see " + log());
                }
            }
            if (next.isEmpty()) {
                if (System.nanoTime() - deadline >= 0) {
                    throw new ChildFailedException(name() + " did not say " + kind + " within " + timeout + "; see " + log());
                }
                continue;
            }
            String line = next.get();
            int space = line.indexOf(' ');
            String lineKind = space < 0 ? line : line.substring(0, space);
            String rest = space < 0 ? "" : line.substring(space + 1);
            if (lineKind.equals(ChildProtocol.METRIC)) {
                String[] parts = rest.split(" ");
                metrics.put(parts[0], Double.parseDouble(parts[1]));
            } else if (lineKind.equals(ChildProtocol.FAILED)) {
                throw new ChildFailedException(name() + " failed: " + rest + "; see " + log());
            } else if (lineKind.equals(ChildProtocol.INFO)) {
                System.out.println("  " + name() + ": " + rest);
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

    /** Closes the child's standard input (it exits on its own), then ends it if it lingers. */
    @Override
    public void close() {
        process.close();
    }

    /** A child did not do what the driver waited for. */
    static final class ChildFailedException extends RuntimeException {
        ChildFailedException(String message) {
            super(message);
        }
    }
}
