package io.fedlink.interop;

import static org.junit.jupiter.api.Assertions.fail;

import io.fedlink.server.ClientProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.TestInfo;

/**
 * What one interop test started: Python peers, Java clients and jars, coordinators. Everything is closed in reverse
 * order by {@link #close()} (call it from {@code @AfterEach}); logs go to target/interop-logs/&lt;class&gt;/&lt;test&gt;/.
 */
final class InteropFixture implements AutoCloseable {

    static final String CLIENT_SCRIPT = "flower_like_client.py";
    static final String SERVER_SCRIPT = "flower_like_server.py";

    private final Path logDir;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final List<PeerProcess> peers = new ArrayList<>();

    private InteropFixture(Path logDir) {
        this.logDir = logDir;
    }

    static InteropFixture forTest(TestInfo test) {
        Path root = Path.of(System.getProperty("fedlink.interop.logs", "target/interop-logs"));
        String className = test.getTestClass().map(Class::getSimpleName).orElse("unknown");
        String method = test.getTestMethod().map(m -> m.getName()).orElse("unknown");
        return new InteropFixture(root.resolve(className).resolve(method));
    }

    Path logDir() {
        return logDir;
    }

    /** Starts flower_like_client.py against {@code target} with the extra arguments; closed at the end of the test. */
    PeerProcess pythonClient(String name, String target, String... arguments) {
        List<String> all = new ArrayList<>(List.of("--target", target, "--max-seconds", "600"));
        all.addAll(List.of(arguments));
        return peer(PeerProcess.python(name, CLIENT_SCRIPT, all, logDir));
    }

    /** Starts flower_like_server.py with the arguments; closed at the end of the test. */
    PeerProcess pythonServer(String name, String... arguments) {
        return peer(PeerProcess.python(name, SERVER_SCRIPT, List.of(arguments), logDir));
    }

    /** Starts {@code java -jar jar arguments}; closed at the end of the test. */
    PeerProcess javaJar(String name, Path jar, String... arguments) {
        return peer(PeerProcess.java(name, jar, List.of(arguments), logDir));
    }

    /** State and output of every peer process started so far, for failure messages. */
    String describePeers() {
        return peers.stream().map(PeerProcess::describe).collect(Collectors.joining("\n"));
    }

    /** Whether a peer process started so far has exited. */
    boolean somePeerExited() {
        return peers.stream().anyMatch(peer -> !peer.isAlive());
    }

    private PeerProcess peer(PeerProcess peer) {
        peers.add(peer);
        return closeAtEnd(peer);
    }

    /**
     * Waits (bounded) until {@code count} clients are connected to the coordinator and returns them; fails with
     * the output of every peer process if one of them exits first or the bound passes.
     */
    List<ClientProxy> awaitClients(TestCoordinator coordinator, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!coordinator.clientManager().waitFor(count, Duration.ofMillis(250))) {
            boolean someoneExited = somePeerExited();
            if (someoneExited || System.nanoTime() > deadline) {
                fail((someoneExited ? "A peer process exited" : "Not " + count + " clients within " + timeout)
                        + " (" + coordinator.clientManager().numAvailable() + " connected)\n" + describePeers());
            }
        }
        return coordinator.clientManager().all();
    }

    TestCoordinator coordinator(TestCoordinator.Builder builder) {
        return closeAtEnd(builder.start());
    }

    <T extends AutoCloseable> T closeAtEnd(T resource) {
        resources.push(resource);
        return resource;
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
