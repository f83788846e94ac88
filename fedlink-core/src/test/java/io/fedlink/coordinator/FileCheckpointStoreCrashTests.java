package io.fedlink.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator killed (SIGKILL) while it saves checkpoints: a separate JVM saves 4 MB checkpoints back to back into
 * one directory and is killed at a random moment, several times over the same directory. After every kill the
 * checkpoint file ({@code round-*.npz}) must load in full, with the model and history of its round (a save is
 * atomic: a file is complete or absent), and no save that had returned may be lost; leftover temporary files of the
 * torn save are ignored.
 */
class FileCheckpointStoreCrashTests {

    private static final int FLOATS = 1_000_000;
    private static final Pattern SAVED = Pattern.compile("saved (\\d+)");

    @TempDir
    Path dir;

    @Test
    void aProcessKilledWhileSavingLeavesALoadableCompleteCheckpointAndLosesNoFinishedSave() throws Exception {
        Random random = new Random(42);
        int tornSaves = 0;
        for (int kill = 1; kill <= 6; kill++) {
            Path output = dir.resolve("saver-" + kill + ".log");
            Process saver = startSaver(output);
            try {
                awaitSaves(saver, output, 2);
                Thread.sleep(random.nextInt(400));
            } finally {
                saver.destroyForcibly(); // SIGKILL on Linux
                assertThat(saver.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            int lastReturned = lastSaved(output);
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
                        .isEqualTo(Histories.upTo(round));
            }
            Checkpoint latest = store.loadLatest().orElseThrow();

            assertThat(latest.round()).as("kill %d: no save that returned is lost", kill).isGreaterThanOrEqualTo(lastReturned);
            assertThat(latest.round()).as("kill %d: the latest checkpoint is the newest file", kill)
                    .isEqualTo(store.rounds().get(0));
        }
        System.out.println("kills that left a torn temporary checkpoint behind: " + tornSaves + " of 6");
    }

    private Process startSaver(Path output) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-XX:TieredStopAtLevel=1", "-cp", classpath, CheckpointSaverMain.class.getName(),
                dir.resolve("checkpoints").toString(), Integer.toString(FLOATS))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    private static void awaitSaves(Process saver, Path output, int saves) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int before = lastSaved(output);
        while (lastSaved(output) < before + saves) {
            if (!saver.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the saver did not save " + saves + " checkpoints; output:\n" + Files.readString(output));
            }
            Thread.sleep(10);
        }
    }

    /** The last round the saver reported as saved (its save had returned), or 0. */
    private static int lastSaved(Path output) throws IOException {
        List<String> lines = Files.readAllLines(output);
        int last = 0;
        for (String line : lines) {
            Matcher matcher = SAVED.matcher(line);
            if (matcher.matches()) {
                last = Integer.parseInt(matcher.group(1));
            }
        }
        return last;
    }
}
