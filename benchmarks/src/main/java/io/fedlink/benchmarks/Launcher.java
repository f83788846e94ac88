package io.fedlink.benchmarks;

import io.fedlink.test.process.ProcessLauncher;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts coordinator and client-fleet JVMs on the driver's own java binary and classpath, with the kit's
 * {@link ProcessLauncher}: logs in one directory per run, every child ended when the driver exits.
 */
final class Launcher {

    private final ProcessLauncher processes;
    private final Map<String, Object> metrics = new LinkedHashMap<>();
    private int sequence;

    Launcher(Path logs) {
        this.processes = ProcessLauncher.logsIn(logs);
    }

    Path logs() {
        return processes.logDir();
    }

    /**
     * A coordinator JVM running {@code workload} (see {@link CoordinatorMain}); its GC log goes beside its
     * standard error.
     */
    ChildJvm coordinator(String label, List<String> jvmOptions, String workload, Map<String, String> arguments) {
        String name = String.format("%02d-coordinator-%s", ++sequence, label);
        return start(name, CoordinatorMain.class, jvmOptions, List.of("-Xlog:gc:file=" + logs().resolve(name + "-gc.log")),
                workload, arguments);
    }

    /** A client-fleet JVM (see {@link ClientFleetMain}). */
    ChildJvm fleet(String label, List<String> jvmOptions, Map<String, String> arguments) {
        String name = String.format("%02d-fleet-%s", ++sequence, label);
        return start(name, ClientFleetMain.class, jvmOptions, List.of(), null, arguments);
    }

    private ChildJvm start(String name, Class<?> main, List<String> jvmOptions, List<String> more, String workload,
                           Map<String, String> arguments) {
        ProcessLauncher.Launch launch = processes.main(name, main).fullJit().separateErrors().jvmOptions(jvmOptions)
                // A JVM out of memory would limp on with a dead gRPC thread and a round that never ends; better gone at once.
                .jvmOptions("-XX:+ExitOnOutOfMemoryError", "-Dlogback.configurationFile=benchmark-logback.xml")
                .jvmOptions(more);
        if (workload != null) {
            launch.args(workload);
        }
        arguments.forEach((key, value) -> launch.args(key + "=" + value));
        return new ChildJvm(launch.start());
    }

    /** Closes a child, keeping the metrics it reported. */
    void stop(ChildJvm child) {
        child.close();
        if (!child.metrics().isEmpty()) {
            metrics.put(child.name(), new LinkedHashMap<>(child.metrics()));
        }
    }

    /** Every metric every stopped child reported, by child name: the raw figures behind the table. */
    Map<String, Object> metrics() {
        return metrics;
    }
}
