package io.fedlink.test.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Starts the separate processes of a test: Spring Boot jars and main classes as JVMs of their own, Python peers on
 * Debian's interpreter, any command; each with its log in one directory. Close it to end every process it started, in
 * reverse order; a JVM that dies without closing it still takes them down (a shutdown hook).
 *
 * <pre>{@code
 * try (ProcessLauncher processes = ProcessLauncher.logsIn(Path.of("target/test-logs/my-test"))) {
 *     ManagedProcess coordinator = processes.jar("coordinator", serverJar).args("--grpc.server.port=0").start();
 *     coordinator.awaitLine(".*Started .*", Duration.ofSeconds(60));
 *     ManagedProcess peer = processes.python("peer", script).args("--target", "127.0.0.1:" + port).start();
 * }
 * }</pre>
 */
public final class ProcessLauncher implements AutoCloseable {

    private static final Set<ManagedProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(ManagedProcess::close),
                "fedlink-test-processes"));
    }

    private final Path logDir;
    private final Deque<ManagedProcess> started = new ArrayDeque<>();

    private ProcessLauncher(Path logDir) {
        this.logDir = logDir;
    }

    /** A launcher writing each process's log to {@code logDir} (created if missing). */
    public static ProcessLauncher logsIn(Path logDir) {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the log directory " + logDir, e);
        }
        return new ProcessLauncher(logDir);
    }

    public Path logDir() {
        return logDir;
    }

    /**
     * {@code java -jar jar} on this JVM's {@code java}, tuned for a short life on a busy machine (256 MB heap, C1 only:
     * Spring Boot starts faster). Fails at {@link Launch#start()} if the jar is missing.
     */
    public Launch jar(String name, Path jar) {
        return new Launch(name, Kind.JAR, jar.toString());
    }

    /** {@code mainClass} on this JVM's class path (the test class path under Maven), tuned as {@link #jar}. */
    public Launch main(String name, Class<?> mainClass) {
        return new Launch(name, Kind.MAIN, mainClass.getName());
    }

    /** {@code script} on Debian's Python, with the Flower stubs importable; see {@link DebianPython}. */
    public Launch python(String name, Path script) {
        return new Launch(name, Kind.PYTHON, script.toString());
    }

    /** Any command. */
    public Launch command(String name, List<String> command) {
        Launch launch = new Launch(name, Kind.COMMAND, command.get(0));
        launch.arguments.addAll(command.subList(1, command.size()));
        return launch;
    }

    /** Every process started so far, in order. */
    public synchronized List<ManagedProcess> processes() {
        List<ManagedProcess> inOrder = new ArrayList<>(started);
        java.util.Collections.reverse(inOrder);
        return inOrder;
    }

    /** Whether a process started so far has exited. */
    public boolean anyExited() {
        return processes().stream().anyMatch(process -> !process.isAlive());
    }

    /** State and output of every process started so far, for failure messages. */
    public String describe() {
        return processes().stream().map(ManagedProcess::describe).collect(Collectors.joining("\n"));
    }

    /** Ends every process started here, the last first. */
    @Override
    public synchronized void close() {
        while (!started.isEmpty()) {
            ManagedProcess process = started.pop();
            process.close();
            LIVE.remove(process);
        }
    }

    private enum Kind { JAR, MAIN, PYTHON, COMMAND }

    /** One process to start: options, arguments, environment. */
    public final class Launch {
        private final String name;
        private final Kind kind;
        private final String program;
        private final List<String> arguments = new ArrayList<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<String> launcher = new ArrayList<>();
        private String heap = "256m";
        private boolean quickStart = true;
        private boolean separateErrors;

        private Launch(String name, Kind kind, String program) {
            this.name = Objects.requireNonNull(name, "name");
            this.kind = kind;
            this.program = program;
        }

        /** Appends arguments for the program. */
        public Launch args(String... arguments) {
            return args(List.of(arguments));
        }

        /** Appends arguments for the program. */
        public Launch args(List<String> arguments) {
            this.arguments.addAll(arguments);
            return this;
        }

        /** A JVM's maximum heap, as {@code -Xmx} takes it (default 256m). */
        public Launch heap(String maxHeap) {
            requireJava("heap");
            this.heap = Objects.requireNonNull(maxHeap, "maxHeap");
            return this;
        }

        /** Appends JVM options (after the defaults, so an {@code -Xmx} here wins). */
        public Launch jvmOptions(String... options) {
            return jvmOptions(List.of(options));
        }

        /** Appends JVM options (after the defaults, so an {@code -Xmx} here wins). */
        public Launch jvmOptions(List<String> options) {
            requireJava("jvmOptions");
            jvmOptions.addAll(options);
            return this;
        }

        /** Lets the JVM use its optimizing compiler: for processes whose speed is measured. */
        public Launch fullJit() {
            requireJava("fullJit");
            this.quickStart = false;
            return this;
        }

        /**
         * Runs the program through {@code command}, which gets the program's command line as its last arguments: for
         * example {@code through("ip", "netns", "exec", namespace)} runs it inside a network namespace.
         */
        public Launch through(String... command) {
            launcher.addAll(List.of(command));
            return this;
        }

        /** Sets an environment variable; {@code null} removes it. */
        public Launch environment(String key, String value) {
            environment.put(key, value);
            return this;
        }

        /** Writes standard error to {@code <name>.err} instead of the log (for children that speak on standard output). */
        public Launch separateErrors() {
            this.separateErrors = true;
            return this;
        }

        /** Starts the process; fails the test, naming the command, if it cannot start. */
        public ManagedProcess start() {
            ProcessBuilder builder = new ProcessBuilder(command());
            if (kind == Kind.PYTHON) {
                DebianPython.get().configure(builder.environment());
            }
            environment.forEach((key, value) -> {
                if (value == null) {
                    builder.environment().remove(key);
                } else {
                    builder.environment().put(key, value);
                }
            });
            Path log = logDir.resolve(name + (separateErrors ? ".out" : ".log"));
            Path errorLog = separateErrors ? logDir.resolve(name + ".err") : log;
            builder.redirectOutput(log.toFile());
            if (separateErrors) {
                builder.redirectError(errorLog.toFile());
            } else {
                builder.redirectErrorStream(true);
            }
            try {
                Files.writeString(logDir.resolve(name + ".cmd"), String.join(" ", builder.command()) + "\n");
                ManagedProcess process = new ManagedProcess(name, builder.start(), log, errorLog);
                synchronized (ProcessLauncher.this) {
                    started.push(process);
                }
                LIVE.add(process);
                return process;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot start " + name + ": " + builder.command(), e);
            }
        }

        private List<String> command() {
            List<String> command = new ArrayList<>(launcher);
            switch (kind) {
                case JAR, MAIN -> {
                    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                    command.add("-Xmx" + heap);
                    if (quickStart) {
                        command.add("-XX:TieredStopAtLevel=1");
                    }
                    command.addAll(jvmOptions);
                    if (kind == Kind.JAR) {
                        if (!Files.isRegularFile(Path.of(program))) {
                            throw new IllegalStateException("The jar " + program + " for " + name + " is missing: build it"
                                    + " first (mvn package)");
                        }
                        command.addAll(List.of("-jar", program));
                    } else {
                        command.addAll(List.of("-cp", System.getProperty("surefire.test.class.path",
                                System.getProperty("java.class.path")), program));
                    }
                }
                case PYTHON -> command.addAll(DebianPython.get().command(Path.of(program)));
                case COMMAND -> command.add(program);
            }
            command.addAll(arguments);
            return command;
        }

        private void requireJava(String option) {
            if (kind != Kind.JAR && kind != Kind.MAIN) {
                throw new IllegalStateException(option + " applies to a JVM; " + name + " is not one");
            }
        }
    }
}
