package io.fedlink.test.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.MatchResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** The kit's process handle: bounded waits that say what the process printed, and an end that always comes. */
class ManagedProcessTests {

    private static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    Path logs;

    private ProcessLauncher launcher;

    @AfterEach
    void closeLauncher() {
        if (launcher != null) {
            launcher.close();
        }
    }

    private ManagedProcess shell(String name, String script) {
        if (launcher == null) {
            launcher = ProcessLauncher.logsIn(logs);
        }
        return launcher.command(name, List.of("/bin/sh", "-c", script)).start();
    }

    @Test
    void awaitLineReturnsTheMatchOnceTheProcessPrintsIt() {
        ManagedProcess process = shell("port", "sleep 0.3; echo 'listening'; echo 'PORT 4242'; sleep 30");

        MatchResult port = process.awaitLine("^PORT (\\d+)$", BOUND);

        assertThat(port.group(1)).isEqualTo("4242");
        assertThat(process.awaitLine("the listening line", BOUND, line -> line.startsWith("listen"))).isEqualTo("listening");
    }

    @Test
    void awaitLineFailsAtOnceWhenTheProcessExitsWithoutPrintingItAndShowsItsOutput() {
        ManagedProcess process = shell("quitter", "echo 'bad config: port missing'; exit 3");

        long started = System.nanoTime();
        assertThatThrownBy(() -> process.awaitLine("^PORT", Duration.ofSeconds(60)))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("quitter exited with code 3 before a line matching /^PORT/")
                .hasMessageContaining("bad config: port missing");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void awaitLineFailsAfterItsBoundWithTheOutputSoFar() {
        ManagedProcess process = shell("silent", "echo 'still starting'; sleep 30");

        assertThatThrownBy(() -> process.awaitLine("^READY", Duration.ofMillis(500)))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("silent: no a line matching /^READY/ within PT0.5S")
                .hasMessageContaining("still starting").hasMessageContaining("running");
    }

    @Test
    void nextLineReturnsEachCompleteLineOnceInOrderThenNothingAfterTheExit() throws Exception {
        ManagedProcess process = shell("talker", "echo one; echo two; printf three; sleep 0.2; echo; exit 0");

        assertThat(process.nextLine(BOUND)).contains("one");
        assertThat(process.nextLine(BOUND)).contains("two");
        assertThat(process.nextLine(BOUND)).contains("three");
        assertThat(process.awaitExit(BOUND)).isZero();
        assertThat(process.nextLine(Duration.ofMillis(100))).isEmpty();
    }

    @Test
    void standardErrorKeptApartGoesToItsOwnLog() throws Exception {
        launcher = ProcessLauncher.logsIn(logs);
        ManagedProcess process = launcher.command("split", List.of("/bin/sh", "-c", "echo out; echo err >&2"))
                .separateErrors().start();

        process.awaitSuccess(BOUND);

        assertThat(process.output()).isEqualTo("out\n");
        assertThat(process.errorOutput()).isEqualTo("err\n");
        assertThat(process.errorLog()).isEqualTo(logs.resolve("split.err"));
    }

    @Test
    void closeEndsAProcessThatIgnoresTerminationAndOneThatIsStopped() throws Exception {
        ManagedProcess stubborn = shell("stubborn", "trap '' TERM; echo ready; while true; do sleep 1; done");
        ManagedProcess frozen = shell("frozen", "echo ready; sleep 60");
        stubborn.awaitLine("^ready", BOUND);
        frozen.awaitLine("^ready", BOUND);
        frozen.signal("STOP");

        launcher.close();

        assertThat(stubborn.isAlive()).isFalse();
        assertThat(frozen.isAlive()).isFalse();
    }

    @Test
    void awaitSuccessFailsNamingTheExitCodeAndTheOutput() {
        ManagedProcess process = shell("failing", "echo 'boom'; exit 2");

        assertThatThrownBy(() -> process.awaitSuccess(BOUND)).isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("failing exited with code 2").hasMessageContaining("boom");
    }

    @Test
    void aJarThatIsNotThereIsRefusedNamingIt() {
        launcher = ProcessLauncher.logsIn(logs);

        assertThatThrownBy(() -> launcher.jar("app", logs.resolve("app.jar")).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("app.jar").hasMessageContaining("missing");
    }

    @Test
    void aMainClassRunsAsItsOwnJvmOnTheTestClassPath() throws Exception {
        launcher = ProcessLauncher.logsIn(logs);

        ManagedProcess child = launcher.main("echo", EchoMain.class).args("hello", "there").start();

        child.awaitSuccess(Duration.ofSeconds(60));
        assertThat(child.output()).isEqualTo("hello there" + System.lineSeparator());
        assertThat(child.pid()).isNotEqualTo(ProcessHandle.current().pid());
    }

    /** Prints its arguments on one line. */
    public static final class EchoMain {
        public static void main(String[] args) {
            System.out.println(String.join(" ", args));
        }
    }
}
