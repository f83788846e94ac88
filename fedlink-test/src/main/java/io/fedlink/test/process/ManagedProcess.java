package io.fedlink.test.process;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * One process a test started through a {@link ProcessLauncher}: a JVM, a Python peer, any command. Its standard output
 * (and, unless kept apart, its standard error) goes to a log file the test reads; its standard input stays open until
 * {@link #close()}, so a child that watches it can tell when the test is gone. Every wait is bounded and a failed wait
 * says what the process printed.
 */
public final class ManagedProcess implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration STOP_BOUND = Duration.ofSeconds(15);
    private static final int TAIL = 6000;

    private final String name;
    private final Process process;
    private final Path log;
    private final Path errorLog;
    private final OutputStream stdin;
    private long readOffset;
    private final StringBuilder pendingLines = new StringBuilder();
    private volatile boolean stopped;

    ManagedProcess(String name, Process process, Path log, Path errorLog) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.errorLog = errorLog;
        this.stdin = process.getOutputStream();
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The file with the process's standard output (and standard error, unless it was kept apart). */
    public Path log() {
        return log;
    }

    /** The file with the process's standard error: {@link #log()} unless it was kept apart. */
    public Path errorLog() {
        return errorLog;
    }

    /** Everything the process wrote to {@link #log()} so far. */
    public String output() {
        return read(log);
    }

    /** What the process wrote to standard error so far, if it was kept apart; otherwise it is in {@link #output()}. */
    public String errorOutput() {
        return errorLog.equals(log) ? "" : read(errorLog);
    }

    /** The lines of {@link #output()}. */
    public List<String> lines() {
        return output().lines().toList();
    }

    /** The lines of {@link #output()} that contain {@code text}. */
    public List<String> linesContaining(String text) {
        return lines().stream().filter(line -> line.contains(text)).toList();
    }

    /**
     * Waits until {@link #output()} has a match of {@code regex} (multi-line: {@code ^} and {@code $} anchor at line
     * ends, so {@code "^PORT (\\d+)$"} is a whole line) and returns it; fails, with the output, when {@code bound}
     * passes or the process exits without printing it.
     */
    public MatchResult awaitLine(String regex, Duration bound) {
        Pattern pattern = Pattern.compile(regex, Pattern.MULTILINE);
        return awaitWhileRunning("a line matching /" + regex + "/", bound, () -> {
            Matcher matcher = pattern.matcher(output());
            return matcher.find() ? Optional.of(matcher.toMatchResult()) : Optional.empty();
        });
    }

    /** Waits until a line of {@link #output()} satisfies {@code line} and returns it; fails as {@link #awaitLine(String, Duration)}. */
    public String awaitLine(String what, Duration bound, Predicate<String> line) {
        return awaitWhileRunning(what, bound, () -> lines().stream().filter(line).findFirst());
    }

    /**
     * The next line of {@link #log()} this method has not returned yet, waiting at most {@code bound} for it to be
     * complete: for children that speak a line protocol on standard output. Empty if no line came within the bound
     * or the process exited without another one (see {@link #isAlive()}).
     */
    public synchronized Optional<String> nextLine(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            boolean exited = !process.isAlive();
            Optional<String> line = readLine();
            if (line.isPresent() || exited || System.nanoTime() > deadline) {
                return line;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /**
     * Polls {@code probe} until it yields a value, while this process runs (a port file it writes, an endpoint it
     * serves); fails, with the process's output, when {@code bound} passes or the process exits first.
     */
    public <T> T awaitWhileRunning(String what, Duration bound, Callable<Optional<T>> probe) {
        try {
            return Awaitility.await(name + ": " + what).atMost(bound).pollDelay(Duration.ZERO).pollInterval(POLL)
                    .failFast(name + " exited", () -> !process.isAlive() && probe.call().isEmpty())
                    .until(probe, Optional::isPresent).orElseThrow();
        } catch (ConditionTimeoutException e) {
            return fail(name + ": no " + what + " within " + bound + "\n" + describe());
        } catch (TerminalFailureException e) {
            return fail(name + " exited with code " + process.exitValue() + " before " + what + "\n" + describe());
        }
    }

    /** Waits for the process to exit and returns its exit code; fails, with its output, after {@code bound}. */
    public int awaitExit(Duration bound) throws InterruptedException {
        if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            fail(name + " did not exit within " + bound + "\n" + describe());
        }
        return process.exitValue();
    }

    /** Waits for the process to exit with code 0; fails, with its output, otherwise. */
    public void awaitSuccess(Duration bound) throws InterruptedException {
        int code = awaitExit(bound);
        if (code != 0) {
            fail(name + " exited with code " + code + "\n" + describe());
        }
    }

    /** SIGKILL: the process gets no chance to say goodbye. Waits (bounded) until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sends a POSIX signal ({@code STOP}, {@code CONT}, {@code TERM}, ...) with the system's {@code kill}. */
    public void signal(String signal) throws IOException {
        Commands.Result result = Commands.run(List.of("kill", "-" + signal, Long.toString(process.pid())), STOP_BOUND);
        if (!result.succeeded()) {
            throw new IOException("kill -" + signal + " " + process.pid() + " failed: " + result.output());
        }
        stopped = signal.equals("STOP") || (stopped && !signal.equals("CONT"));
    }

    /** Runs {@code jcmd <pid> <command...>} on a JVM (for example {@code GC.run}) and returns its output. */
    public String jcmd(String... command) throws IOException {
        List<String> all = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid())));
        all.addAll(List.of(command));
        Commands.Result result = Commands.run(all, Duration.ofSeconds(30));
        if (!result.succeeded()) {
            throw new IOException("jcmd " + String.join(" ", command) + " on " + name + " failed: " + result.output());
        }
        return result.output();
    }

    /** The process's state and the end of its output, for failure messages. */
    public String describe() {
        String state = process.isAlive() ? "running" : "exit code " + process.exitValue();
        String errors = errorLog.equals(log) ? "" : "--- stderr (" + errorLog + "):\n" + tail(errorOutput());
        return "--- " + name + " (pid " + process.pid() + ", " + state + ") output (" + log + "):\n" + tail(output())
                + errors;
    }

    /**
     * Ends the process: closes its standard input, asks it to stop (SIGTERM; a stopped process is continued first),
     * and kills it if it lingers; bounded. Idempotent.
     */
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        try {
            if (stopped) {
                signal("CONT"); // a stopped process cannot handle TERM
            }
            process.destroy();
            if (!process.waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }


    private Optional<String> readLine() {
        int newline = pendingLines.indexOf("\n");
        if (newline < 0) {
            try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                if (file.length() > readOffset) {
                    byte[] bytes = new byte[(int) Math.min(file.length() - readOffset, 1 << 20)];
                    file.seek(readOffset);
                    file.readFully(bytes);
                    int complete = lastNewline(bytes);
                    if (complete >= 0) {
                        readOffset += complete + 1;
                        pendingLines.append(new String(bytes, 0, complete + 1, StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + log, e);
            }
            newline = pendingLines.indexOf("\n");
        }
        if (newline < 0) {
            return Optional.empty();
        }
        String line = pendingLines.substring(0, newline);
        pendingLines.delete(0, newline + 1);
        return Optional.of(line);
    }

    private static int lastNewline(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "<cannot read " + file + ": " + e + ">";
        }
    }

    private static String tail(String text) {
        return text.length() <= TAIL ? text : "[...]" + text.substring(text.length() - TAIL);
    }
}
