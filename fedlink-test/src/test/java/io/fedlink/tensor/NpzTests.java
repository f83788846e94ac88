package io.fedlink.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedlink.test.process.DebianPython;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models saved by real NumPy ({@code savez}, {@code savez_compressed}, {@code save}) read back in order. */
class NpzTests {

    @TempDir
    static Path dir;

    @BeforeAll
    static void saveWithNumpy() {
        DebianPython.get().run(List.of("-c", """
                import numpy as np, sys, os
                d = sys.argv[1]
                w = np.arange(6, dtype=np.float32).reshape(2, 3)
                b = np.array([0.5], dtype=np.float64)
                np.savez(os.path.join(d, "plain.npz"), w, b)
                np.savez_compressed(os.path.join(d, "compressed.npz"), weights=w, bias=b)
                np.save(os.path.join(d, "single.npy"), w)
                """, dir.toString()), Duration.ofMinutes(2));
    }

    private static List<NdArray> read(String file) throws Exception {
        try (InputStream in = Files.newInputStream(dir.resolve(file))) {
            return Npz.readModel(in, file);
        }
    }

    @Test
    void readsEveryArrayOfAnNpzInTheOrderNumpyWroteThem() throws Exception {
        for (String file : List.of("plain.npz", "compressed.npz")) {
            List<NdArray> model = read(file);
            assertThat(model).as(file).hasSize(2);
            assertThat(model.get(0)).isEqualTo(NdArray.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3));
            assertThat(model.get(1)).isEqualTo(NdArray.of(new double[] {0.5}));
        }
    }

    @Test
    void anNpyFileIsAModelOfOneArray() throws Exception {
        assertThat(read("single.npy")).containsExactly(NdArray.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3));
    }

    @Test
    void bytesThatAreNeitherAreRefusedNamingTheSource() {
        assertThatThrownBy(() -> Npz.readModel(new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)), "model.bin"))
                .isInstanceOf(NpyFormatException.class).hasMessageStartingWith("model.bin is neither an .npz archive nor an .npy array: ");
    }
}
