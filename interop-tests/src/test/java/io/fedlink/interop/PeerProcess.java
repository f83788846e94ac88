package io.fedlink.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One peer running as its own process (a Python program, or a Spring Boot jar on this JVM's {@code java}) with its
 * stdout and stderr captured to files. Every wait is bounded; a wait that fails says what the process printed.
 * {@link #close()} destroys the process (and waits for it, bounded).
 */
final class PeerProcess implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(50);

    private final String name;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private PeerProcess(String name, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts one of this module's Python programs on Debian's interpreter. */
    static PeerProcess python(String name, String script, List<String> arguments, Path logDir) {
        return start(name, DebianPython.get().processBuilder(script, arguments), logDir);
    }

    /**
     * Starts {@code java -jar jar arguments} with the JVM that runs the tests, tuned for a short life on a busy
     * machine (256 MB heap, C1 only: Spring Boot starts faster).
     */
    static PeerProcess java(String name, Path jar, List<String> arguments, Path logDir) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        command.addAll(arguments);
        return start(name, new ProcessBuilder(command), logDir);
    }

    private static PeerProcess start(String name, ProcessBuilder builder, Path logDir) {
        Path stdout = logDir.resolve(name + ".out");
        Path stderr = logDir.resolve(name + ".err");
        try {
            Files.createDirectories(logDir);
            builder.redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            Files.writeString(logDir.resolve(name + ".cmd"), String.join(" ", builder.command()) + "\n");
            return new PeerProcess(name, builder.start(), stdout, stderr);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start " + builder.command() + " for " + name, e);
        }
    }

    String name() {
        return name;
    }

    /**
     * Waits until a whole line of stdout matches {@code regex} and returns the match. Fails (with the output) when
     * the bound passes or the process exits without printing it.
     */
    Matcher awaitLine(String regex, Duration timeout) {
        Pattern pattern = Pattern.compile(regex, Pattern.MULTILINE);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean exited = !process.isAlive();
            Matcher matcher = pattern.matcher(stdout());
            if (matcher.find()) {
                return matcher;
            }
            if (exited) {
                fail(name + " exited with code " + process.exitValue() + " before printing a line matching /" + regex
                        + "/\n" + describe());
            }
            if (System.nanoTime() > deadline) {
                fail(name + " printed no line matching /" + regex + "/ within " + timeout + "\n" + describe());
            }
            sleep(POLL);
        }
    }

    /** Waits for the process to exit and returns its exit code; fails with its output when the bound passes. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                fail(name + " did not exit within " + timeout + "\n" + describe());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("Interrupted while waiting for " + name + " to exit");
        }
        return process.exitValue();
    }

    /** Waits for the process to exit with code 0; fails with its output otherwise. */
    void awaitSuccess(Duration timeout) {
        int code = awaitExit(timeout);
        if (code != 0) {
            fail(name + " exited with code " + code + "\n" + describe());
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    /** The process's state and output, for failure messages. */
    String describe() {
        return "--- " + name + (process.isAlive() ? " (running)" : " (exit code " + process.exitValue() + ")")
                + " stdout (" + stdout + "):\n" + tail(stdout()) + "--- stderr:\n" + tail(stderr());
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "<cannot read " + file + ": " + e + ">";
        }
    }

    private static String tail(String text) {
        int limit = 6000;
        return text.length() <= limit ? text : "[...]" + text.substring(text.length() - limit);
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
