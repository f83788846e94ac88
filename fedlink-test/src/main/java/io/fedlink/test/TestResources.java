package io.fedlink.test;

import io.fedlink.test.process.ProcessLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension, in the spirit of grpc-testing's {@code GrpcCleanupRule}: what a test registers is closed after
 * it, the last first, whatever the outcome; and each test gets a log directory of its own,
 * {@code target/test-logs/<class>/<method>} (emptied before the test), with a {@link ProcessLauncher} in it.
 *
 * <pre>{@code
 * @RegisterExtension
 * final TestResources resources = new TestResources();
 *
 * @Test
 * void pythonClientJoins() {
 *     TestCoordinator coordinator = resources.register(TestCoordinator.tcp().start());
 *     resources.processes().python("peer", script).args("--target", coordinator.target()).start();
 *     ...
 * }
 * }</pre>
 *
 * The log root is {@code target/test-logs} unless the system property {@code fedlink.test.logs} names another.
 */
public final class TestResources implements BeforeEachCallback, AfterEachCallback {

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private Path logDir;
    private ProcessLauncher processes;
    private boolean cleared;

    @Override
    public void beforeEach(ExtensionContext context) {
        Path root = Path.of(System.getProperty("fedlink.test.logs", "target/test-logs"));
        String method = context.getRequiredTestMethod().getName();
        String display = context.getDisplayName();
        String test = display.startsWith(method + "(") ? method : method + "-" + display.replaceAll("\\W+", "_");
        logDir = root.resolve(context.getRequiredTestClass().getSimpleName()).resolve(test);
        cleared = false;
        processes = null;
    }

    /** Closes {@code resource} after the test (before what was registered earlier). */
    public synchronized <T extends AutoCloseable> T register(T resource) {
        resources.push(resource);
        return resource;
    }

    /** This test's log directory (it exists), emptied of an earlier run's files on first use. */
    public synchronized Path logDir() {
        if (logDir == null) {
            throw new IllegalStateException("TestResources is used outside a test: register it with @RegisterExtension");
        }
        if (!cleared) {
            if (Files.exists(logDir)) {
                deleteRecursively(logDir);
            }
            try {
                Files.createDirectories(logDir);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create " + logDir, e);
            }
            cleared = true;
        }
        return logDir;
    }

    /** Starts this test's processes, logging into {@link #logDir()}; they end after the test. */
    public synchronized ProcessLauncher processes() {
        if (processes == null) {
            Path dir = logDir();
            processes = register(ProcessLauncher.logsIn(dir));
        }
        return processes;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception first = null;
        synchronized (this) {
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
        }
        if (first != null) {
            throw first;
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot clear " + dir, e);
        }
    }
}
