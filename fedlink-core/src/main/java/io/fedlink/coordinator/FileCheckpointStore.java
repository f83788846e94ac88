package io.fedlink.coordinator;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.fedlink.proto.Parameters;
import io.fedlink.tensor.Npy;
import io.fedlink.tensor.ParametersCodec;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints as files in one directory, one file per round, the last {@code keepLast} kept.
 *
 * <p>File format: {@code round-000003.npz}, an uncompressed zip archive that {@code numpy.load} opens
 * directly (an {@code .npz}), with the entries
 * <ul>
 *   <li>{@code manifest.properties}: {@code format=fedlink-checkpoint-1}, {@code round=3},
 *       {@code tensor_type=numpy.ndarray}, {@code tensors=2};</li>
 *   <li>{@code tensor_0.npy} ... {@code tensor_<n-1>.npy}: the global model's {@code Parameters.tensors}, in
 *       order, byte for byte (so {@code numpy.load("round-000003.npz")["tensor_0"]} is the first tensor);</li>
 *   <li>{@code history.properties}: the round records (format documented on {@code HistoryFormat}: sorted
 *       {@code round.000003.loss=...} keys).</li>
 * </ul>
 *
 * <p>Atomicity: a checkpoint is written to a temporary file {@code .round-000003.npz.<random>.tmp} in the same
 * directory, forced to disk, then renamed with {@link StandardCopyOption#ATOMIC_MOVE} (and the directory is
 * forced), so a {@code round-*.npz} file is either complete or absent. {@link #loadLatest()} ignores temporary
 * files, and skips with a warning any checkpoint that does not read back completely (bad zip, CRC mismatch,
 * missing entry, wrong round), falling back to the next older one. Leftover temporary files are deleted after
 * the next successful save. One store (one coordinator) per directory.
 */
public final class FileCheckpointStore implements CheckpointStore {

    /** How many checkpoints are kept unless told otherwise. */
    public static final int DEFAULT_KEEP_LAST = 3;
    static final String FORMAT = "fedlink-checkpoint-1";

    private static final Logger log = LoggerFactory.getLogger(FileCheckpointStore.class);
    private static final Pattern CHECKPOINT = Pattern.compile("round-(\\d{1,9})\\.npz");
    private static final String MANIFEST = "manifest.properties";
    private static final String HISTORY = "history.properties";

    private final Path directory;
    private final int keepLast;

    /** A store keeping the last {@value #DEFAULT_KEEP_LAST} checkpoints in {@code directory} (created if missing). */
    public FileCheckpointStore(Path directory) {
        this(directory, DEFAULT_KEEP_LAST);
    }

    /**
     * @param directory where checkpoints go; created if missing
     * @param keepLast  how many of the newest checkpoints to keep (at least 1)
     * @throws CheckpointException if the directory cannot be created
     */
    public FileCheckpointStore(Path directory, int keepLast) {
        if (keepLast < 1) {
            throw new IllegalArgumentException("keepLast must be at least 1, was " + keepLast);
        }
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath();
        this.keepLast = keepLast;
        try {
            Files.createDirectories(this.directory);
        } catch (IOException e) {
            throw new CheckpointException("Cannot create checkpoint directory " + this.directory + ": " + e, e);
        }
    }

    /** The checkpoint directory. */
    public Path directory() {
        return directory;
    }

    /** The file the checkpoint of {@code round} is saved as. */
    public Path fileFor(int round) {
        return directory.resolve(String.format(Locale.ROOT, "round-%06d.npz", round));
    }

    /** The rounds that have a checkpoint file now, newest first (readable or not). */
    public List<Integer> rounds() {
        List<Integer> rounds = new ArrayList<>();
        for (Path file : list()) {
            Matcher matcher = CHECKPOINT.matcher(file.getFileName().toString());
            if (matcher.matches()) {
                rounds.add(Integer.parseInt(matcher.group(1)));
            }
        }
        rounds.sort(Comparator.reverseOrder());
        return rounds;
    }

    @Override
    public synchronized void save(Checkpoint checkpoint) {
        Path target = fileFor(checkpoint.round());
        Path temporary = null;
        try {
            temporary = Files.createTempFile(directory, "." + target.getFileName() + ".", ".tmp");
            write(temporary, checkpoint);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temporary = null;
            forceDirectory();
        } catch (AtomicMoveNotSupportedException e) {
            throw new CheckpointException("The file system of checkpoint directory " + directory
                    + " cannot rename atomically; choose a directory on a local file system", e);
        } catch (IOException e) {
            throw new CheckpointException("Could not save the checkpoint of round " + checkpoint.round() + " to " + target
                    + ": " + e, e);
        } finally {
            if (temporary != null) {
                deleteQuietly(temporary);
            }
        }
        log.debug("Saved checkpoint of round {} to {}", checkpoint.round(), target);
        prune();
    }

    /**
     * The checkpoint of {@code round}, read and checked in full (zip CRCs, every entry, its round).
     *
     * @throws CheckpointException if there is none or it does not read back completely
     */
    public Checkpoint load(int round) {
        Path file = fileFor(round);
        try {
            return read(file, round);
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("Checkpoint " + file + " does not load: " + e, e);
        }
    }

    @Override
    public Optional<Checkpoint> loadLatest() {
        for (int round : rounds()) {
            Path file = fileFor(round);
            try {
                return Optional.of(read(file, round));
            } catch (IOException | RuntimeException e) {
                log.warn("Skipping unreadable checkpoint {}: {}", file, e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }
        return Optional.empty();
    }

    private static void write(Path file, Checkpoint checkpoint) throws IOException {
        Parameters model = checkpoint.model();
        boolean numpy = isNumpy(model);
        Properties manifest = new Properties();
        manifest.setProperty("format", FORMAT);
        manifest.setProperty("round", Integer.toString(checkpoint.round()));
        manifest.setProperty("tensor_type", model.getTensorType());
        manifest.setProperty("tensors", Integer.toString(model.getTensorsCount()));
        ByteArrayOutputStream manifestBytes = new ByteArrayOutputStream();
        manifest.store(manifestBytes, "fedlink checkpoint");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
             ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16))) {
            putStored(zip, MANIFEST, ByteString.copyFrom(manifestBytes.toByteArray()));
            for (int t = 0; t < model.getTensorsCount(); t++) {
                putStored(zip, tensorEntry(t, numpy), model.getTensors(t));
            }
            putStored(zip, HISTORY, UnsafeByteOperations.unsafeWrap(HistoryFormat.write(checkpoint.history())));
            zip.finish();
            zip.flush();
            channel.force(true);
        }
    }

    private static Checkpoint read(Path file, int round) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Properties manifest = new Properties();
            manifest.load(new ByteArrayInputStream(entry(zip, MANIFEST)));
            if (!FORMAT.equals(manifest.getProperty("format"))) {
                throw new IOException("format is '" + manifest.getProperty("format") + "', expected " + FORMAT);
            }
            int manifestRound = Integer.parseInt(manifest.getProperty("round", "-1"));
            if (manifestRound != round) {
                throw new IOException("manifest says round " + manifestRound + " but the file name says " + round);
            }
            Parameters.Builder model = Parameters.newBuilder().setTensorType(manifest.getProperty("tensor_type", ""));
            boolean numpy = isNumpy(model.build());
            int tensors = Integer.parseInt(manifest.getProperty("tensors", "-1"));
            if (tensors < 0) {
                throw new IOException("manifest has no tensor count");
            }
            for (int t = 0; t < tensors; t++) {
                byte[] tensor = entry(zip, tensorEntry(t, numpy));
                if (numpy) {
                    Npy.readHeader(ByteBuffer.wrap(tensor));
                }
                model.addTensors(UnsafeByteOperations.unsafeWrap(tensor));
            }
            History history = HistoryFormat.read(entry(zip, HISTORY));
            int lastRecorded = history.last().map(RoundRecord::round).orElse(0);
            if (lastRecorded != round) {
                throw new IOException("its history ends at round " + lastRecorded + ", not " + round);
            }
            return new Checkpoint(round, model.build(), history);
        }
    }

    private static boolean isNumpy(Parameters model) {
        return model.getTensorType().isEmpty() || model.getTensorType().equals(ParametersCodec.NUMPY_TENSOR_TYPE);
    }

    private static String tensorEntry(int index, boolean numpy) {
        return "tensor_" + index + (numpy ? ".npy" : ".bin");
    }

    private static void putStored(ZipOutputStream zip, String name, ByteString content) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(content.asReadOnlyByteBuffer());
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(content.size());
        entry.setCompressedSize(content.size());
        entry.setCrc(crc.getValue());
        entry.setTime(0);
        zip.putNextEntry(entry);
        content.writeTo(zip);
        zip.closeEntry();
    }

    private static byte[] entry(ZipFile zip, String name) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            throw new IOException("entry " + name + " is missing");
        }
        byte[] content;
        try (InputStream in = zip.getInputStream(entry)) {
            content = in.readAllBytes();
        }
        CRC32 crc = new CRC32();
        crc.update(content);
        if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
            throw new IOException("entry " + name + " fails its CRC check (the file is corrupt)");
        }
        if (entry.getSize() != -1 && content.length != entry.getSize()) {
            throw new IOException("entry " + name + " has " + content.length + " bytes, expected " + entry.getSize());
        }
        return content;
    }

    private void prune() {
        List<Integer> rounds = rounds();
        for (int i = keepLast; i < rounds.size(); i++) {
            deleteQuietly(fileFor(rounds.get(i)));
        }
        for (Path file : list()) {
            String name = file.getFileName().toString();
            if (name.startsWith(".round-") && name.endsWith(".tmp")) {
                log.info("Deleting leftover temporary checkpoint file {}", file);
                deleteQuietly(file);
            }
        }
    }

    private List<Path> list() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            stream.forEach(files::add);
        } catch (IOException e) {
            throw new CheckpointException("Cannot list checkpoint directory " + directory + ": " + e, e);
        }
        return files;
    }

    private void forceDirectory() {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            log.debug("Could not force directory {} to disk (not supported on every platform): {}", directory, e.toString());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", file, e.toString());
        }
    }

    @Override
    public String toString() {
        return "FileCheckpointStore[" + directory + ", keep " + keepLast + "]";
    }
}
