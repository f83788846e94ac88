package io.fedlink.test.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Short tool runs (keytool, protoc, a Python check): start, wait bounded, return the exit code and the output. */
public final class Commands {

    private Commands() {
    }

    /** What a finished command left: its exit code and its standard output and error, interleaved. */
    public record Result(int exitCode, String output) {

        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    /** Runs {@code command} to its end, at most {@code bound} (then it is killed and the result says so). */
    public static Result run(List<String> command, Duration bound) throws IOException {
        return run(command, Map.of(), bound);
    }

    /** As {@link #run(List, Duration)}, with {@code environment} added to this JVM's (a {@code null} value removes). */
    public static Result run(List<String> command, Map<String, String> environment, Duration bound) throws IOException {
        Path output = Files.createTempFile("fedlink-command", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            environment.forEach((key, value) -> {
                if (value == null) {
                    builder.environment().remove(key);
                } else {
                    builder.environment().put(key, value);
                }
            });
            Process process = builder.start();
            try {
                if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    return new Result(-1, String.join(" ", command) + " did not finish within " + bound + "; its output:\n"
                            + new String(Files.readAllBytes(output), StandardCharsets.UTF_8));
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while running " + command, e);
            }
            return new Result(process.exitValue(), new String(Files.readAllBytes(output), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
