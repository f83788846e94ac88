package io.fedlink.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One sample application running as its own JVM, its output in a log file. Close it to end it. */
final class AppProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private AppProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static AppProcess start(String name, Path jar, Path logDir, List<String> args) {
        return start(name, jar, logDir, "256m", args);
    }

    /** Starts {@code jar} with a heap of {@code maxHeap} (a -Xmx value such as {@code 512m}). */
    static AppProcess start(String name, Path jar, Path logDir, String maxHeap, List<String> args) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first with ./mvnw package (./scripts/test.sh runs"
                    + " ./mvnw verify, which packages the samples before these tests)");
        }
        List<String> command = new ArrayList<>(List.of(javaCommand(), "-Xmx" + maxHeap, "-XX:TieredStopAtLevel=1", "-jar",
                jar.toString()));
        command.addAll(args);
        return launch(name, logDir, command);
    }

    /**
     * Starts {@code mainClass} from this module's test classpath as its own JVM (256 MB heap), for the small peers the
     * fault tests need beside the samples (a client of a model too big for the sample client's data set, ...).
     */
    static AppProcess startMain(String name, Class<?> mainClass, Path logDir, List<String> args) {
        return launch(name, logDir, mainCommand(mainClass, "256m", args));
    }

    /**
     * As {@link #startMain}, inside {@code namespace} (the process sees only that namespace's network) and with a
     * 512 MB heap, enough for a client of a 64 MiB model.
     */
    static AppProcess startMainIn(NetworkNamespace namespace, String name, Class<?> mainClass, Path logDir,
                                  List<String> args) {
        return launch(name, logDir, namespace.wrap(mainCommand(mainClass, "512m", args)));
    }

    private static List<String> mainCommand(Class<?> mainClass, String maxHeap, List<String> args) {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(javaCommand(), "-Xmx" + maxHeap, "-XX:TieredStopAtLevel=1", "-cp",
                classpath, mainClass.getName()));
        command.addAll(args);
        return command;
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static AppProcess launch(String name, Path logDir, List<String> command) {
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + ".log");
            Files.writeString(log, String.join(" ", command.stream().map(AppProcess::abbreviate).toList())
                    + System.lineSeparator());
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            return new AppProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + name, e);
        }
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    private static String abbreviate(String argument) {
        return argument.length() > 300 ? argument.substring(0, 120) + "...(" + argument.length() + " chars)" : argument;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> lines() {
        return output().lines().toList();
    }

    /** Waits until a log line matches; fails naming the process and the log on timeout or early exit. */
    String awaitLine(String what, Duration bound, Predicate<String> line) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            for (String candidate : lines()) {
                if (line.test(candidate)) {
                    return candidate;
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited (" + process.exitValue() + ") before " + what + "; log " + log);
            }
            sleep(100);
        }
        throw new AssertionError("Timed out after " + bound + " waiting for " + name + " to log " + what + "; log " + log);
    }

    /** The log lines containing {@code text}. */
    List<String> linesContaining(String text) {
        return lines().stream().filter(line -> line.contains(text)).toList();
    }

    /** Waits for the process to exit and returns its exit code; fails on timeout. */
    int awaitExit(Duration bound) throws InterruptedException {
        if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + bound + "; log " + log);
        }
        return process.exitValue();
    }

    /** SIGKILL: the process gets no chance to say goodbye. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Sends a POSIX signal (STOP, CONT, ...) with the system's kill command. */
    void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    /** Runs {@code jcmd <pid> <command...>} (for example {@code GC.run}) and returns its output. */
    String jcmd(String... command) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid())));
        all.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(all).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes());
        if (!jcmd.waitFor(30, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            throw new IOException("jcmd " + String.join(" ", command) + " on " + name + " failed: " + output);
        }
        return output;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            try {
                signal("CONT"); // a stopped process cannot handle TERM
            } catch (IOException ignored) {
                // already gone
            }
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** A coordinator's per-round log line: "round 2/5: replies 3/3, failures 0, loss 0.434, accuracy 0.896, 0.1 s". */
    record RoundLine(int round, int rounds, int replies, int asked, int failures, double loss, double accuracy) {

        private static final Pattern PATTERN = Pattern.compile(
                "round (\\d+)/(\\d+): replies (\\d+)/(\\d+), failures (\\d+), loss ([0-9.naN]+), accuracy ([0-9.naN]+)");

        static List<RoundLine> parse(List<String> lines) {
            List<RoundLine> rounds = new ArrayList<>();
            for (String line : lines) {
                Matcher m = PATTERN.matcher(line);
                if (m.find()) {
                    rounds.add(new RoundLine(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                            Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                            number(m.group(6)), number(m.group(7))));
                }
            }
            return rounds;
        }

        private static double number(String text) {
            return text.equalsIgnoreCase("nan") || text.equals("n/a") ? Double.NaN : Double.parseDouble(text);
        }
    }
}
