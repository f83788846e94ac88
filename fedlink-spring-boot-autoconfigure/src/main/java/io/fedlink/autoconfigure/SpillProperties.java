package io.fedlink.autoconfigure;

import io.fedlink.strategy.aggregate.UpdateStore;
import java.nio.file.Path;
import org.springframework.util.unit.DataSize;

/**
 * Where the robust strategies (FedMedian, FedTrimmedAvg, Krum, Bulyan) keep a round's updates, under
 * {@code fedlink.server.strategy.spill}: on the heap up to a budget, then in a memory-mapped temporary file.
 */
public class SpillProperties {

    /** Updates of one round kept on the heap at most; past it they all go to a temporary file, read back memory-mapped. */
    private DataSize heapBudget = DataSize.ofMegabytes(64);

    /** Where the temporary file goes (default: java.io.tmpdir); it is deleted when the round ends. */
    private Path directory;

    public DataSize getHeapBudget() {
        return heapBudget;
    }

    public void setHeapBudget(DataSize heapBudget) {
        this.heapBudget = heapBudget;
    }

    public Path getDirectory() {
        return directory;
    }

    public void setDirectory(Path directory) {
        this.directory = directory;
    }

    UpdateStore.Settings settings() {
        return new UpdateStore.Settings(heapBudget.toBytes(),
                directory != null ? directory : UpdateStore.Settings.defaults().directory());
    }
}
