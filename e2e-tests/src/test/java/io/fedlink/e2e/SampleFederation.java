package io.fedlink.e2e;

import io.fedlink.test.process.ManagedProcess;
import io.fedlink.test.process.ProcessLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts the sample coordinator and sample clients as separate JVMs over TCP on 127.0.0.1, with the kit's
 * {@link ProcessLauncher}: each has its own log under {@code e2e-tests/target/e2e-logs/<test>/}. Close it to end
 * every process it started.
 */
final class SampleFederation implements AutoCloseable {

    static final Path REPOSITORY = Path.of(System.getProperty("fedlink.repository", "..")).toAbsolutePath().normalize();
    static final Path SERVER_JAR = REPOSITORY.resolve("sample-server/target/sample-server-0.1.0-SNAPSHOT.jar");
    static final Path CLIENT_JAR = REPOSITORY.resolve("sample-client/target/sample-client-0.1.0-SNAPSHOT.jar");

    private final Path logDir;
    private final ProcessLauncher processes;
    private final int port;
    private int coordinators;
    private Actuator actuator;
    private String coordinatorHeap = "256m";

    SampleFederation(String testName) {
        this.logDir = REPOSITORY.resolve("e2e-tests/target/e2e-logs").resolve(testName);
        this.port = freePort();
        deleteRecursively(logDir); // checkpoints and port files of an earlier run must not leak into this one
        this.processes = ProcessLauncher.logsIn(logDir);
    }

    /** The coordinator's gRPC port, fixed for the federation so a restarted coordinator is found again. */
    int port() {
        return port;
    }

    Path logDir() {
        return logDir;
    }

    /** Starts a coordinator (exits when training is done) and waits until it listens. */
    ManagedProcess startCoordinator(String... args) {
        return startCoordinator(true, args);
    }

    /** Starts a coordinator that stays up after training (to be read through its actuator) and waits until it listens. */
    ManagedProcess startLingeringCoordinator(String... args) {
        return startCoordinator(false, args);
    }

    /** Gives coordinators started from now on a heap of {@code maxHeap} (a -Xmx value; 256m unless set). */
    SampleFederation coordinatorHeap(String maxHeap) {
        this.coordinatorHeap = maxHeap;
        return this;
    }

    /** The actuator of the coordinator started last. */
    Actuator actuator() {
        if (actuator == null) {
            throw new IllegalStateException("no coordinator started yet");
        }
        return actuator;
    }

    private ManagedProcess startCoordinator(boolean exitWhenDone, String... args) {
        Path portFile = logDir.resolve("port-" + (++coordinators));
        int httpPort = freePort();
        List<String> all = new ArrayList<>(List.of("--grpc.server.port=" + port, "--server.port=" + httpPort,
                "--sample.port-file=" + portFile, "--fedlink.server.training.exit-when-done=" + exitWhenDone));
        all.addAll(List.of(args));
        actuator = new Actuator(httpPort);
        ManagedProcess coordinator = processes.jar("coordinator-" + coordinators, requireJar(SERVER_JAR))
                .heap(coordinatorHeap).args(all).start();
        coordinator.awaitWhileRunning("listening (its port file)", Duration.ofSeconds(90),
                () -> Optional.of(portFile).filter(Files::exists));
        return coordinator;
    }

    /**
     * Starts relay {@code index}: the sample coordinator jar with {@code fedlink.relay.enabled=true}, serving its clients
     * on {@code port} and joining the coordinator on {@code upstreamPort} of 127.0.0.1; waits until it listens.
     */
    ManagedProcess startRelay(int index, int port, int upstreamPort, String... args) {
        Path portFile = logDir.resolve("relay-port-" + index);
        List<String> all = new ArrayList<>(List.of("--fedlink.relay.enabled=true",
                "--grpc.client.fedlink.address=static://127.0.0.1:" + upstreamPort,
                "--grpc.client.fedlink.negotiation-type=plaintext", "--grpc.server.port=" + port, "--server.port=0",
                "--sample.port-file=" + portFile,
                "--fedlink.server.training.auto-start=false")); // the sample's own setting, which a relay refuses
        all.addAll(List.of(args));
        ManagedProcess relay = processes.jar("relay-" + index, requireJar(SERVER_JAR)).heap(coordinatorHeap).args(all)
                .start();
        relay.awaitWhileRunning("listening (its port file)", Duration.ofSeconds(90),
                () -> Optional.of(portFile).filter(Files::exists));
        return relay;
    }

    /**
     * A model file for {@code fedlink.server.training.initial-model}: an {@code .npz} of zeros, {@code features} float32
     * weights and a bias, the sample model's layout. For coordinators whose clients cannot give a model themselves.
     */
    Path modelFile(int features) {
        Path file = logDir.resolve("model-" + features + ".npz");
        try {
            Files.createDirectories(logDir);
            try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
                zip.putNextEntry(new java.util.zip.ZipEntry("arr_0.npy"));
                zip.write(io.fedlink.tensor.Npy.write(io.fedlink.tensor.NdArray.zeros(io.fedlink.tensor.DType.FLOAT32, features)));
                zip.putNextEntry(new java.util.zip.ZipEntry("arr_1.npy"));
                zip.write(io.fedlink.tensor.Npy.write(io.fedlink.tensor.NdArray.zeros(io.fedlink.tensor.DType.FLOAT32, 1)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file, e);
        }
        return file;
    }

    /** Starts sample client {@code index} of {@code of} against the coordinator's port. */
    ManagedProcess startClient(int index, int of, String... args) {
        List<String> all = new ArrayList<>(List.of("--grpc.client.fedlink.address=static://127.0.0.1:" + port,
                "--sample.client-index=" + index, "--sample.num-clients=" + of));
        all.addAll(List.of(args));
        return processes.jar("client-" + index, requireJar(CLIENT_JAR)).args(all).start();
    }

    /**
     * Starts {@code mainClass} of this module's test class path as its own JVM (256 MB heap), for the small peers the
     * fault tests need beside the samples (a client of a model too big for the sample client's data set, ...).
     */
    ManagedProcess startMain(String name, Class<?> mainClass, String... args) {
        return processes.main(name, mainClass).args(args).start();
    }

    /**
     * Starts {@code mainClass} as its own JVM inside {@code namespace} (it sees only that namespace's network), with a
     * 512 MB heap, enough for a client of a 64 MiB model.
     */
    ManagedProcess startMainIn(NetworkNamespace namespace, String name, Class<?> mainClass, String... args) {
        return processes.main(name, mainClass).heap("512m").through(namespace.exec()).args(args).start();
    }

    @Override
    public void close() {
        processes.close();
    }

    private static Path requireJar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first with ./mvnw package (./scripts/test.sh runs"
                    + " ./mvnw verify, which packages the samples before these tests)");
        }
        return jar;
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not clear " + dir, e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
