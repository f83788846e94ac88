package io.fedlink.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.protobuf.ByteString;
import io.fedlink.proto.Parameters;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCheckpointStoreTests {

    @TempDir
    Path dir;

    private static Parameters model(float value) {
        return ParametersCodec.encode(NdArray.of(new float[] {value, value + 1, value + 2, value + 3}, 2, 2),
                NdArray.scalar((long) value));
    }

    private static Checkpoint checkpoint(int round) {
        return new Checkpoint(round, model(round), Histories.upTo(round));
    }

    @Test
    void loadsTheLatestCheckpointWithTheSameModelBytesAndHistory() {
        FileCheckpointStore store = new FileCheckpointStore(dir);
        store.save(checkpoint(1));
        store.save(checkpoint(2));

        Checkpoint latest = new FileCheckpointStore(dir).loadLatest().orElseThrow();

        assertThat(latest.round()).isEqualTo(2);
        assertThat(latest.model()).isEqualTo(model(2));
        assertThat(latest.model().getTensorType()).isEqualTo("numpy.ndarray");
        assertThat(latest.history()).isEqualTo(Histories.upTo(2));
    }

    @Test
    void findsNothingInAnEmptyOrNewDirectory() {
        assertThat(new FileCheckpointStore(dir.resolve("not/yet/there")).loadLatest()).isEmpty();
        assertThat(Files.isDirectory(dir.resolve("not/yet/there"))).isTrue();
    }

    @Test
    void keepsOnlyTheLastCheckpoints() {
        FileCheckpointStore store = new FileCheckpointStore(dir, 2);
        for (int round = 1; round <= 5; round++) {
            store.save(checkpoint(round));
        }

        assertThat(store.rounds()).containsExactly(5, 4);
        assertThat(dir.resolve("round-000005.npz")).exists();
        assertThat(dir.resolve("round-000003.npz")).doesNotExist();
    }

    @Test
    void ignoresALeftoverTemporaryFileAndDeletesItAfterTheNextSave() throws IOException {
        FileCheckpointStore store = new FileCheckpointStore(dir);
        store.save(checkpoint(1));
        Path leftover = dir.resolve(".round-000002.npz.123456.tmp");
        byte[] complete = Files.readAllBytes(store.fileFor(1));
        Files.write(leftover, Arrays.copyOf(complete, complete.length / 2)); // a save that died mid-write

        assertThat(store.loadLatest()).map(Checkpoint::round).contains(1);

        store.save(checkpoint(2));
        assertThat(leftover).doesNotExist();
        assertThat(store.loadLatest()).map(Checkpoint::round).contains(2);
    }

    @Test
    void skipsATruncatedCheckpointAndFallsBackToTheOlderOne() throws IOException {
        FileCheckpointStore store = new FileCheckpointStore(dir);
        store.save(checkpoint(1));
        store.save(checkpoint(2));
        Path latest = store.fileFor(2);
        byte[] bytes = Files.readAllBytes(latest);
        Files.write(latest, Arrays.copyOf(bytes, bytes.length - 30));

        Optional<Checkpoint> loaded = store.loadLatest();

        assertThat(loaded).map(Checkpoint::round).contains(1);
        assertThat(loaded.orElseThrow().model()).isEqualTo(model(1));
    }

    @Test
    void skipsACheckpointWhoseTensorBytesWereCorrupted() throws IOException {
        FileCheckpointStore store = new FileCheckpointStore(dir);
        store.save(checkpoint(1));
        store.save(checkpoint(2));
        Path latest = store.fileFor(2);
        byte[] bytes = Files.readAllBytes(latest);
        int data = indexOf(bytes, "NUMPY".getBytes()) - 1 + 128 + 5; // inside tensor_0's data (its header is 128 bytes)
        bytes[data] ^= 0x55;
        Files.write(latest, bytes);

        assertThat(store.loadLatest()).map(Checkpoint::round).contains(1);
    }

    @Test
    void skipsAFileThatIsNotACheckpointAtAll() throws IOException {
        FileCheckpointStore store = new FileCheckpointStore(dir);
        store.save(checkpoint(1));
        Files.writeString(dir.resolve("round-000007.npz"), "not a zip");

        assertThat(store.loadLatest()).map(Checkpoint::round).contains(1);
    }

    @Test
    void aConcurrentReaderNeverSeesAHalfWrittenCheckpoint() throws Exception {
        FileCheckpointStore store = new FileCheckpointStore(dir, 1000);
        store.save(checkpoint(1));
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Integer> seen = new ArrayList<>();
        Thread reader = new Thread(() -> {
            FileCheckpointStore readerStore = new FileCheckpointStore(dir, 1000);
            while (writing.get()) {
                Checkpoint loaded = readerStore.loadLatest().orElseThrow();
                assertThat(loaded.model()).isEqualTo(model(loaded.round()));
                synchronized (seen) {
                    seen.add(loaded.round());
                }
            }
        });
        List<Throwable> readerFailures = new ArrayList<>();
        reader.setUncaughtExceptionHandler((thread, error) -> readerFailures.add(error));
        reader.start();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int round = 2; round <= 60; round++) {
                store.save(checkpoint(round));
            }
        });
        writing.set(false);
        reader.join(30_000);

        assertThat(readerFailures).isEmpty();
        synchronized (seen) {
            assertThat(seen).isNotEmpty().isSorted(); // a skipped (partial) latest file would show as a step back
        }
    }

    @Test
    void storesTensorsOfOtherTypesAsOpaqueBytes() {
        FileCheckpointStore store = new FileCheckpointStore(dir);
        Parameters opaque = Parameters.newBuilder().setTensorType("custom.bytes")
                .addTensors(ByteString.copyFromUtf8("abc")).addTensors(ByteString.EMPTY).build();
        store.save(new Checkpoint(1, opaque, Histories.upTo(1)));

        assertThat(store.loadLatest().orElseThrow().model()).isEqualTo(opaque);
    }

    @Test
    void rejectsAKeepCountBelowOne() {
        assertThatThrownBy(() -> new FileCheckpointStore(dir, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("keepLast must be at least 1, was 0");
    }

    @Test
    void failsClearlyWhenTheDirectoryCannotBeCreated() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");

        assertThatThrownBy(() -> new FileCheckpointStore(file.resolve("sub"))).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("Cannot create checkpoint directory");
    }

    @Test
    void leavesNoTemporaryFilesBehind() throws IOException {
        FileCheckpointStore store = new FileCheckpointStore(dir);
        store.save(checkpoint(1));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactly("round-000001.npz");
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
