package io.fedlink.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.test.TestResources;
import io.fedlink.test.process.ManagedProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator killed (SIGKILL) while it saves checkpoints: a separate JVM saves 4 MB checkpoints back to back into
 * one directory and is killed at a random moment, several times over the same directory. After every kill every
 * checkpoint file ({@code round-*.npz}) must load in full, with the model and history of its round (a save is
 * atomic: a file is complete or absent), and no save that had returned may be lost; leftover temporary files of the
 * torn save are ignored.
 */
class FileCheckpointStoreCrashTests {

    private static final int FLOATS = 1_000_000;
    private static final Pattern SAVED = Pattern.compile("saved (\\d+)");

    @RegisterExtension
    final TestResources resources = new TestResources();

    @TempDir
    Path dir;

    @Test
    void aProcessKilledWhileSavingLeavesALoadableCompleteCheckpointAndLosesNoFinishedSave() throws Exception {
        Random random = new Random(42);
        int tornSaves = 0;
        for (int kill = 1; kill <= 6; kill++) {
            ManagedProcess saver = resources.processes().main("saver-" + kill, CheckpointSaverMain.class).heap("128m")
                    .args(dir.resolve("checkpoints").toString(), Integer.toString(FLOATS)).start();
            int before = lastSaved(saver);
            saver.awaitLine("2 more saves after " + before, Duration.ofSeconds(60), line -> saved(line) >= before + 2);
            Thread.sleep(random.nextInt(400));
            saver.kill(); // SIGKILL on Linux
            assertThat(saver.isAlive()).isFalse();
            int lastReturned = lastSaved(saver);
            boolean torn;
            try (var files = Files.list(dir.resolve("checkpoints"))) {
                torn = files.anyMatch(file -> file.getFileName().toString().endsWith(".tmp"));
            }
            tornSaves += torn ? 1 : 0;

            FileCheckpointStore store = new FileCheckpointStore(dir.resolve("checkpoints"));
            for (int round : store.rounds()) {
                Checkpoint checkpoint = store.load(round); // throws if the file is torn
                assertThat(checkpoint.model()).as("kill %d: the model of round %d", kill, round)
                        .isEqualTo(CheckpointSaverMain.model(round, FLOATS));
                assertThat(checkpoint.history()).as("kill %d: the history of round %d", kill, round)
                        .isEqualTo(CompletedRounds.upTo(round));
            }
            Checkpoint latest = store.loadLatest().orElseThrow();

            assertThat(latest.round()).as("kill %d: no save that returned is lost", kill).isGreaterThanOrEqualTo(lastReturned);
            assertThat(latest.round()).as("kill %d: the latest checkpoint is the newest file", kill)
                    .isEqualTo(store.rounds().get(0));
        }
        System.out.println("kills that left a torn temporary checkpoint behind: " + tornSaves + " of 6");
    }

    /** The last round the saver reported as saved (its save had returned), or 0. */
    private static int lastSaved(ManagedProcess saver) {
        return saver.lines().stream().mapToInt(FileCheckpointStoreCrashTests::saved).max().orElse(0);
    }

    private static int saved(String line) {
        Matcher matcher = SAVED.matcher(line);
        return matcher.matches() ? Integer.parseInt(matcher.group(1)) : 0;
    }
}
