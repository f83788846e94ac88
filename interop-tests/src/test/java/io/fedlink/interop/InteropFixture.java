package io.fedlink.interop;

import io.fedlink.server.ClientProxy;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.TestCoordinatorBuilder;
import io.fedlink.test.TestResources;
import io.fedlink.test.process.ManagedProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * This module's peers on the kit's {@link TestResources}: the Flower-like Python client and server of
 * {@code src/test/python}, sample jars, and coordinators with the interop tests' bounds. Everything is closed after
 * the test; logs go to {@code target/test-logs/<class>/<test>/}.
 */
final class InteropFixture {

    static final String CLIENT_SCRIPT = "flower_like_client.py";
    static final String SERVER_SCRIPT = "flower_like_server.py";
    /** Where the Python programs are ({@code fedlink.interop.python-sources}, set by the pom). */
    static final Path PYTHON_SOURCES = Path.of(System.getProperty("fedlink.interop.python-sources", "src/test/python"));

    private final TestResources resources;
    private final List<ManagedProcess> peers = new ArrayList<>();

    InteropFixture(TestResources resources) {
        this.resources = resources;
    }

    /** A TCP coordinator whose replies may take two minutes: Python peers on a busy machine are slow. */
    static TestCoordinatorBuilder coordinatorBuilder() {
        return TestCoordinator.tcp().replyTimeout(Duration.ofMinutes(2)).quorumTimeout(Duration.ofMinutes(1));
    }

    Path logDir() {
        return resources.logDir();
    }

    /** Starts flower_like_client.py against {@code target} with the extra arguments. */
    ManagedProcess pythonClient(String name, String target, String... arguments) {
        List<String> all = new ArrayList<>(List.of("--target", target, "--max-seconds", "600"));
        all.addAll(List.of(arguments));
        return peer(resources.processes().python(name, PYTHON_SOURCES.resolve(CLIENT_SCRIPT)).args(all)
                .separateErrors().start());
    }

    /** Starts flower_like_server.py with the arguments. */
    ManagedProcess pythonServer(String name, String... arguments) {
        return peer(resources.processes().python(name, PYTHON_SOURCES.resolve(SERVER_SCRIPT)).args(arguments)
                .separateErrors().start());
    }

    /** Starts {@code java -jar jar arguments}. */
    ManagedProcess javaJar(String name, Path jar, String... arguments) {
        return peer(resources.processes().jar(name, jar).args(arguments).separateErrors().start());
    }

    /** State and output of every peer process started so far, for failure messages. */
    String describePeers() {
        return resources.processes().describe();
    }

    /** Whether a peer process started so far has exited. */
    boolean somePeerExited() {
        return peers.stream().anyMatch(peer -> !peer.isAlive());
    }

    /**
     * Waits (bounded) until {@code count} clients are connected to the coordinator and returns them; fails with
     * the output of every peer process if one of them exits first or the bound passes.
     */
    List<ClientProxy> awaitClients(TestCoordinator coordinator, int count, Duration timeout) {
        try {
            Awaitility.await(count + " clients connected").atMost(timeout).pollInterval(Duration.ofMillis(100))
                    .failFast("a peer process exited", this::somePeerExited)
                    .until(() -> coordinator.clientManager().numAvailable() >= count);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError(e.getMessage() + " (" + coordinator.clientManager().numAvailable()
                    + " connected)\n" + describePeers(), e);
        }
        return coordinator.clientManager().all();
    }

    /** Starts the coordinator; it is closed after the test. */
    TestCoordinator coordinator(TestCoordinatorBuilder builder) {
        return closeAtEnd(builder.start());
    }

    <T extends AutoCloseable> T closeAtEnd(T resource) {
        return resources.register(resource);
    }

    private ManagedProcess peer(ManagedProcess peer) {
        peers.add(peer);
        return peer;
    }
}
