package io.fedlink.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** The extension, run on a probe test class through the JUnit Platform, as a user's test would run it. */
class TestResourcesTests {

    static final List<String> CLOSED = new CopyOnWriteArrayList<>();
    static final List<Path> LOG_DIRS = new CopyOnWriteArrayList<>();

    /** Registers three resources and fails, so clean-up must happen whatever the outcome. */
    static class Probe {
        @RegisterExtension
        final TestResources resources = new TestResources();

        @Test
        void failingTest() throws Exception {
            resources.register(() -> CLOSED.add("first"));
            resources.register(() -> {
                CLOSED.add("second");
                throw new IllegalStateException("second could not close");
            });
            resources.register(() -> CLOSED.add("third"));
            Path logDir = resources.logDir();
            LOG_DIRS.add(logDir);
            Files.writeString(logDir.resolve("run-" + LOG_DIRS.size()), "a file of this run");
            throw new AssertionError("the test itself fails");
        }
    }

    @Test
    void whatATestRegisteredIsClosedAfterItLastFirstEvenWhenItAndAClosingFail() {
        CLOSED.clear();
        TestExecutionSummary summary = run(Probe.class);

        assertThat(CLOSED).containsExactly("third", "second", "first");
        assertThat(summary.getTestsFailedCount()).isEqualTo(1);
        Throwable failure = summary.getFailures().get(0).getException();
        assertThat(failure).hasMessage("the test itself fails");
        assertThat(failure.getSuppressed()).extracting(Throwable::getMessage).containsExactly("second could not close");
    }

    @Test
    void eachRunOfATestStartsWithAnEmptyLogDirectoryNamedForIt() {
        LOG_DIRS.clear();
        run(Probe.class);
        run(Probe.class);

        assertThat(LOG_DIRS).hasSize(2).allSatisfy(dir -> assertThat(dir).endsWith(Path.of("Probe", "failingTest")));
        assertThat(LOG_DIRS.get(1).toFile().list()).containsExactly("run-2"); // the first run's file is gone
    }

    private static TestExecutionSummary run(Class<?> testClass) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build(),
                listener);
        return listener.getSummary();
    }
}
