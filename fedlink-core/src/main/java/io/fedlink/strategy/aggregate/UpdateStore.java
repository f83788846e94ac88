package io.fedlink.strategy.aggregate;

import io.fedlink.proto.Parameters;
import io.fedlink.server.ClientUpdateRejectedException;
import io.fedlink.tensor.NpyHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every update of a round, for the aggregators that need them all at once (median, trimmed mean, Krum, Bulyan),
 * kept so that the coordinator's heap stays a small multiple of the model whatever the number of clients: updates
 * stay on the heap until they would exceed a heap budget, then all of them go to a temporary file in the spill
 * directory, read back memory-mapped (off the heap, paged in by the operating system) chunk by chunk. Each update is
 * stored as its tensors' element data, little-endian, in its own dtype (no wider copy). {@link #close()} deletes the
 * file; aggregators close the store when their round ends, whatever happened.
 *
 * <p>Updates are checked as {@link WeightedMean} checks them (same layout, positive {@code num_examples} whose total
 * does not overflow). Fed from one thread; not thread-safe.
 */
public final class UpdateStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UpdateStore.class);

    /**
     * Where updates go past the heap budget.
     *
     * @param heapBudgetBytes updates kept on the heap at most, in bytes; past it they are spilled
     * @param directory       where the spill file is created
     */
    public record Settings(long heapBudgetBytes, Path directory) {

        /** The default budget: 64 MiB of updates on the heap. */
        public static final long DEFAULT_HEAP_BUDGET = 64L * 1024 * 1024;

        public Settings {
            if (heapBudgetBytes < 0) {
                throw new IllegalArgumentException("heapBudgetBytes must not be negative, was " + heapBudgetBytes);
            }
            Objects.requireNonNull(directory, "directory");
        }

        /** 64 MiB on the heap, then {@code java.io.tmpdir}. */
        public static Settings defaults() {
            return new Settings(DEFAULT_HEAP_BUDGET, Path.of(System.getProperty("java.io.tmpdir")));
        }
    }

    private final Settings settings;
    private TensorLayout layout;
    private int[] tensorOffsets;
    private int updateBytes;
    private final List<String> clients = new ArrayList<>();
    private final List<Long> weights = new ArrayList<>();
    private final List<ByteBuffer> onHeap = new ArrayList<>();
    private long totalWeight;
    private Path spillFile;
    private FileChannel spill;
    private List<ByteBuffer> mapped;
    private boolean closed;

    /**
     * A store whose updates must have {@code model}'s layout (or, if {@code model} has no tensors, the first
     * accepted update's).
     */
    public UpdateStore(Parameters model, Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        TensorLayout of = TensorLayout.of(model);
        if (!of.isEmpty()) {
            start(of);
        }
    }

    /**
     * Keeps one client's update.
     *
     * @throws ClientUpdateRejectedException if it cannot be used; nothing of it is kept then
     * @throws UncheckedIOException          if the spill file cannot be written
     */
    public void add(String clientId, Parameters update, long numExamples) {
        requireOpen();
        long total = ExampleCount.add(clientId, totalWeight, numExamples);
        List<NpyHeader> headers = TensorLayout.readUpdate(clientId, update);
        if (layout == null) {
            start(TensorLayout.ofUpdate(clientId, headers));
        } else {
            layout.check(clientId, headers);
        }
        if (spill == null && heapBytes() + updateBytes > settings.heapBudgetBytes()) {
            spillAll();
        }
        if (spill != null) {
            writeToFile(update, headers);
        } else {
            ByteBuffer copy = ByteBuffer.allocate(updateBytes).order(ByteOrder.LITTLE_ENDIAN);
            for (int t = 0; t < headers.size(); t++) {
                copyLittleEndian(TensorLayout.data(update, t, headers.get(t)), headers.get(t), copy, tensorOffsets[t]);
            }
            onHeap.add(copy);
        }
        clients.add(clientId);
        weights.add(numExamples);
        totalWeight = total;
    }

    /** How many updates are kept. */
    public int size() {
        return clients.size();
    }

    /** The layout the updates share, or {@code null} before the first one when no model layout was given. */
    public TensorLayout layout() {
        return layout;
    }

    /** Update {@code k}'s client. */
    public String clientId(int k) {
        return clients.get(k);
    }

    /** Update {@code k}'s {@code num_examples}. */
    public long weight(int k) {
        return weights.get(k);
    }

    /** Whether the updates went to the spill file. */
    public boolean spilled() {
        return spill != null;
    }

    /** The spill file, while there is one. */
    public java.util.Optional<Path> spillFile() {
        return java.util.Optional.ofNullable(spillFile);
    }

    /**
     * Tensor {@code t} of update {@code k} as a little-endian buffer from its first element (read it with
     * {@link io.fedlink.tensor.DType#get}); a view, no copy. Spilled updates are mapped from the file on first read.
     */
    public ByteBuffer tensor(int k, int t) {
        requireOpen();
        ByteBuffer update = spill != null ? mapped().get(k) : onHeap.get(k);
        int from = tensorOffsets[t];
        int length = layout.tensor(t).size() * layout.tensor(t).dtype().itemSize();
        return update.slice(from, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Deletes the spill file and lets go of every update; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        onHeap.clear();
        mapped = null;
        if (spill != null) {
            try {
                spill.close();
                Files.deleteIfExists(spillFile);
                log.debug("Deleted spill file {}", spillFile);
            } catch (IOException e) {
                log.warn("Could not delete spill file {}: {}", spillFile, e.toString());
            }
            spillFile = null;
        }
    }

    private long heapBytes() {
        return (long) onHeap.size() * updateBytes;
    }

    private void start(TensorLayout of) {
        layout = of;
        tensorOffsets = new int[of.size()];
        long bytes = 0;
        for (int t = 0; t < of.size(); t++) {
            tensorOffsets[t] = (int) bytes;
            bytes += (long) of.tensor(t).size() * of.tensor(t).dtype().itemSize();
        }
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalStateException("An update of " + bytes + " bytes does not fit one buffer");
        }
        updateBytes = (int) bytes;
    }

    /** Moves the updates kept so far to a new spill file; from now on every update goes there. */
    private void spillAll() {
        try {
            Files.createDirectories(settings.directory());
            spillFile = Files.createTempFile(settings.directory(), "fedlink-updates-", ".spill");
            spill = FileChannel.open(spillFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
            for (ByteBuffer update : onHeap) {
                writeFully(update.duplicate().position(0));
            }
            log.debug("Spilled {} update(s) of {} bytes to {} (heap budget {} bytes)", onHeap.size(), updateBytes,
                    spillFile, settings.heapBudgetBytes());
            onHeap.clear();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not spill round updates to " + settings.directory()
                    + ": " + e.getMessage() + " (set the spill directory to a writable local one)", e);
        }
    }

    private void writeToFile(Parameters update, List<NpyHeader> headers) {
        for (int t = 0; t < headers.size(); t++) {
            NpyHeader header = headers.get(t);
            ByteBuffer data = TensorLayout.data(update, t, header);
            int bytes = header.size() * header.dtype().itemSize();
            ByteBuffer region = data.slice(header.dataOffset(), bytes);
            if (header.byteOrder() != ByteOrder.LITTLE_ENDIAN && header.dtype().itemSize() > 1) {
                ByteBuffer swapped = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
                copyLittleEndian(data, header, swapped, 0);
                region = swapped;
            }
            writeFully(region);
        }
    }

    private void writeFully(ByteBuffer buffer) {
        try {
            while (buffer.hasRemaining()) {
                spill.write(buffer, spill.size());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write round updates to " + spillFile + ": " + e.getMessage(), e);
        }
    }

    private List<ByteBuffer> mapped() {
        if (mapped == null) {
            List<ByteBuffer> regions = new ArrayList<>(clients.size());
            try {
                for (int k = 0; k < clients.size(); k++) {
                    regions.add(spill.map(FileChannel.MapMode.READ_ONLY, (long) k * updateBytes, updateBytes)
                            .order(ByteOrder.LITTLE_ENDIAN));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not map " + spillFile + ": " + e.getMessage(), e);
            }
            mapped = regions;
        }
        return mapped;
    }

    /** Copies one tensor's elements (in its header's byte order) into {@code target} little-endian at byte {@code at}. */
    private static void copyLittleEndian(ByteBuffer npy, NpyHeader header, ByteBuffer target, int at) {
        int bytes = header.size() * header.dtype().itemSize();
        if (header.byteOrder() == ByteOrder.LITTLE_ENDIAN || header.dtype().itemSize() == 1) {
            target.put(at, npy, header.dataOffset(), bytes);
            return;
        }
        ByteBuffer source = npy.slice(header.dataOffset(), bytes).order(header.byteOrder());
        ByteBuffer into = target.slice(at, bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < header.size(); i++) {
            header.dtype().put(into, i, header.dtype().get(source, i));
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this update store is closed: its round has ended");
        }
    }
}
