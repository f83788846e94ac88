package io.fedlink.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.test.process.DebianPython;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint is an .npz archive NumPy opens as it is (Debian's Python; missing NumPy fails the test). */
class FileCheckpointStoreNumpyTests {

    @TempDir
    Path dir;

    @Test
    void numpyOpensACheckpointAsAnNpzArchive() {
        FileCheckpointStore store = new FileCheckpointStore(dir);
        store.save(new Checkpoint(3, ParametersCodec.encode(NdArray.of(new float[] {3, 4, 5, 6}, 2, 2), NdArray.scalar(3L)),
                new History()));

        String output = DebianPython.get().run(List.of("-c", """
                import sys, numpy as np
                with np.load(sys.argv[1]) as z:
                    print(z['tensor_0'].dtype, z['tensor_0'].shape, z['tensor_0'].tolist(), z['tensor_1'].tolist())
                """, store.fileFor(3).toString()), Duration.ofSeconds(120));

        assertThat(output.strip()).isEqualTo("float32 (2, 2) [[3.0, 4.0], [5.0, 6.0]] 3");
    }
}
