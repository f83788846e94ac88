package io.fedlink.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts coordinator and client-fleet JVMs on the driver's own java binary and classpath, logs in one
 * directory per run, and destroys whatever is still running when the driver exits.
 */
final class Launcher {

    private final String java;
    private final String classpath;
    private final Path logs;
    private final List<ChildJvm> started = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Object> metrics = new LinkedHashMap<>();
    private int sequence;

    Launcher(Path logs) {
        this.java = ProcessHandle.current().info().command().orElse("java");
        this.classpath = System.getProperty("java.class.path");
        this.logs = logs;
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create log directory " + logs, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (started) {
                started.forEach(ChildJvm::close);
            }
        }, "destroy-child-jvms"));
    }

    Path logs() {
        return logs;
    }

    /**
     * A coordinator JVM running {@code workload} (see {@link CoordinatorMain}); its GC log goes beside its
     * standard error.
     */
    ChildJvm coordinator(String label, List<String> jvmOptions, String workload, Map<String, String> arguments) {
        String name = String.format("%02d-coordinator-%s", ++sequence, label);
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        // A JVM out of memory would limp on with a dead gRPC thread and a round that never ends; better gone at once.
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-Xlog:gc:file=" + logs.resolve(name + "-gc.log"));
        command.add("-Dlogback.configurationFile=benchmark-logback.xml");
        command.add("-cp");
        command.add(classpath);
        command.add(CoordinatorMain.class.getName());
        command.add(workload);
        arguments.forEach((key, value) -> command.add(key + "=" + value));
        return start(name, command);
    }

    /** A client-fleet JVM (see {@link ClientFleetMain}). */
    ChildJvm fleet(String label, List<String> jvmOptions, Map<String, String> arguments) {
        String name = String.format("%02d-fleet-%s", ++sequence, label);
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-Dlogback.configurationFile=benchmark-logback.xml");
        command.add("-cp");
        command.add(classpath);
        command.add(ClientFleetMain.class.getName());
        arguments.forEach((key, value) -> command.add(key + "=" + value));
        return start(name, command);
    }

    private ChildJvm start(String name, List<String> command) {
        ChildJvm child = new ChildJvm(name, command, logs.resolve(name + ".log"));
        started.add(child);
        return child;
    }

    /** Closes a child and forgets it, keeping the metrics it reported. */
    void stop(ChildJvm child) {
        child.close();
        started.remove(child);
        if (!child.metrics().isEmpty()) {
            metrics.put(child.name(), new LinkedHashMap<>(child.metrics()));
        }
    }

    /** Every metric every stopped child reported, by child name: the raw figures behind the table. */
    Map<String, Object> metrics() {
        return metrics;
    }
}
