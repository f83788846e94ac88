package io.fedlink.tensor;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's Python with NumPy as a subprocess, for tests that check byte compatibility with real NumPy.
 * A missing interpreter or NumPy FAILS the test (never skips it): the compatibility claim must be checked.
 */
public final class PythonNumpy {

    /** Debian's interpreter; the python3 first on PATH may be one without NumPy. */
    public static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final long TIMEOUT_SECONDS = 120;
    private static final String INSTALL_HINT = "run scripts/install-test-deps.sh (installs python3-numpy for /usr/bin/python3)";

    private PythonNumpy() {
    }

    /** Fails the calling test unless /usr/bin/python3 can import numpy. */
    public static void requireNumpy() {
        if (!Files.isExecutable(PYTHON)) {
            fail(PYTHON + " is missing; these tests compare fedlink's .npy bytes with real NumPy: " + INSTALL_HINT);
        }
        Result result = run(List.of("-c", "import numpy; print(numpy.__version__)"));
        if (result.exitCode() != 0) {
            fail("NumPy is not importable by " + PYTHON + " (" + result.output().strip() + "): " + INSTALL_HINT);
        }
    }

    /** Copies a script from the test class path into {@code dir} and runs it with {@code args}; fails on a non-zero exit. */
    public static String runScript(Class<?> owner, String resource, Path dir, String... args) {
        Path script = dir.resolve(resource);
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                fail("test resource " + resource + " not found next to " + owner.getName());
            }
            Files.copy(in, script);
        } catch (IOException e) {
            fail("could not copy " + resource + ": " + e);
        }
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(List.of(args));
        Result result = run(command);
        if (result.exitCode() != 0) {
            fail(resource + " " + String.join(" ", args) + " exited with " + result.exitCode() + ":\n" + result.output());
        }
        return result.output();
    }

    /** Runs inline Python code with {@code args} ({@code sys.argv[1:]}); fails on a non-zero exit. */
    public static String runCode(String code, String... args) {
        List<String> command = new ArrayList<>();
        command.add("-c");
        command.add(code);
        command.addAll(List.of(args));
        Result result = run(command);
        if (result.exitCode() != 0) {
            fail("python exited with " + result.exitCode() + ":\n" + result.output() + "\ncode:\n" + code);
        }
        return result.output();
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(PYTHON.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("PYTHONPATH");
        builder.environment().remove("PYTHONHOME");
        Process process = null;
        try {
            process = builder.start();
            process.getOutputStream().close();
            Process running = process;
            // drain output on another thread so a chatty process cannot block on a full pipe
            StringBuilder output = new StringBuilder();
            Thread reader = new Thread(() -> {
                try (InputStream in = running.getInputStream()) {
                    output.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the process was killed
                }
            }, "python-output");
            reader.start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
            synchronized (output) {
                return new Result(process.exitValue(), output.toString());
            }
        } catch (IOException e) {
            return fail("could not start " + PYTHON + " (" + e.getMessage() + "): " + INSTALL_HINT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (process != null) {
                process.destroyForcibly();
            }
            return fail("interrupted while waiting for python");
        }
    }
}
