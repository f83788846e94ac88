package io.fedlink.strategy.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.fedlink.proto.Parameters;
import io.fedlink.server.ClientUpdateRejectedException;
import io.fedlink.tensor.DType;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdateStoreTests {

    private static final Parameters NO_MODEL = Parameters.newBuilder().setTensorType("numpy.ndarray").build();

    @TempDir
    Path spillDirectory;

    @Test
    void keepsUpdatesOnTheHeapWithinTheBudgetAndWritesNoFile() throws IOException {
        // an update is 3 float32 + 2 float64 = 28 bytes; three fit in 100
        try (UpdateStore store = new UpdateStore(NO_MODEL, new UpdateStore.Settings(100, spillDirectory))) {
            for (int k = 0; k < 3; k++) {
                store.add("client-" + k, update(k), 10 + k);
            }

            assertThat(store.spilled()).isFalse();
            assertThat(store.spillFile()).isEmpty();
            assertThat(filesIn(spillDirectory)).isEmpty();
            assertStoredExactly(store, 3);
        }
    }

    @Test
    void movesEveryUpdateToOneFileOnceTheBudgetIsExceededReadsThemBackAlikeAndDeletesItOnClose() throws IOException {
        UpdateStore store = new UpdateStore(NO_MODEL, new UpdateStore.Settings(60, spillDirectory));
        store.add("client-0", update(0), 10);
        store.add("client-1", update(1), 11);
        assertThat(store.spilled()).as("56 bytes fit a budget of 60").isFalse();

        store.add("client-2", update(2), 12);
        store.add("client-3", update(3), 13);

        assertThat(store.spilled()).isTrue();
        Path file = store.spillFile().orElseThrow();
        assertThat(filesIn(spillDirectory)).containsExactly(file);
        assertThat(Files.size(file)).as("4 updates of 28 bytes, element data only").isEqualTo(4 * 28);
        assertStoredExactly(store, 4);

        store.close();
        assertThat(filesIn(spillDirectory)).isEmpty();
        assertThat(store.spillFile()).isEmpty();
        assertThatThrownBy(() -> store.tensor(0, 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        store.close(); // idempotent
    }

    @Test
    void aBudgetOfZeroSpillsTheFirstUpdate() throws IOException {
        try (UpdateStore store = new UpdateStore(NO_MODEL, new UpdateStore.Settings(0, spillDirectory))) {
            store.add("client-0", update(0), 10);

            assertThat(store.spilled()).isTrue();
            assertThat(filesIn(spillDirectory)).hasSize(1);
            assertStoredExactly(store, 1);
        }
        assertThat(filesIn(spillDirectory)).isEmpty();
    }

    @Test
    void storesBigEndianUpdatesLittleEndianOnTheHeapAndInTheFile() {
        for (long budget : new long[] {1024, 0}) {
            try (UpdateStore store = new UpdateStore(NO_MODEL, new UpdateStore.Settings(budget, spillDirectory))) {
                store.add("little", ParametersCodec.encode(NdArray.of(new float[] {1, 2})), 1);
                store.add("big", bigEndianFloats(3, 4), 1);

                assertThat(store.spilled()).isEqualTo(budget == 0);
                ByteBuffer big = store.tensor(1, 0);
                assertThat(big.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
                assertThat(DType.FLOAT32.get(big, 0)).as("budget %d", budget).isEqualTo(3.0);
                assertThat(DType.FLOAT32.get(big, 1)).as("budget %d", budget).isEqualTo(4.0);
            }
        }
    }

    @Test
    void keepsNothingOfARejectedUpdateWhetherOnTheHeapOrSpilled() {
        for (long budget : new long[] {1024, 0}) {
            try (UpdateStore store = new UpdateStore(NO_MODEL, new UpdateStore.Settings(budget, spillDirectory))) {
                store.add("a", update(0), 1L << 62);

                assertThatThrownBy(() -> store.add("other-shape", ParametersCodec.encode(NdArray.of(new float[] {1})), 1))
                        .isInstanceOf(ClientUpdateRejectedException.class);
                assertThatThrownBy(() -> store.add("no-examples", update(1), 0))
                        .isInstanceOf(ClientUpdateRejectedException.class).hasMessageContaining("must be positive");
                assertThatThrownBy(() -> store.add("overflow", update(1), 1L << 62))
                        .isInstanceOf(ClientUpdateRejectedException.class).hasMessageContaining("overflows");
                store.add("b", update(2), 5);

                assertThat(store.size()).as("budget %d", budget).isEqualTo(2);
                assertThat(List.of(store.clientId(0), store.clientId(1))).containsExactly("a", "b");
                assertThat(store.weight(1)).isEqualTo(5);
                assertThat(DType.FLOAT32.get(store.tensor(1, 0), 0)).as("b's first weight").isEqualTo(value(2, 0));
            }
        }
    }

    @Test
    void takesTheModelsLayoutWhenGivenOne() {
        Parameters model = ParametersCodec.encode(NdArray.of(new float[] {0, 0, 0}), NdArray.of(new double[] {0, 0}));
        try (UpdateStore store = new UpdateStore(model, UpdateStore.Settings.defaults())) {
            assertThat(store.layout().size()).isEqualTo(2);
            assertThatThrownBy(() -> store.add("wrong", ParametersCodec.encode(NdArray.of(new float[] {1})), 1))
                    .isInstanceOf(ClientUpdateRejectedException.class);
            assertThat(store.size()).isZero();
        }
    }

    /** Client k's update: float32 (3,) and float64 (2,), every element distinct across clients. */
    private static Parameters update(int k) {
        float[] weights = {value(k, 0), value(k, 1), value(k, 2)};
        double[] bias = {k * 100 + 0.25, k * 100 + 0.5};
        return ParametersCodec.encode(NdArray.of(weights), NdArray.of(bias));
    }

    private static float value(int k, int i) {
        return k * 10 + i + 0.5f;
    }

    private static void assertStoredExactly(UpdateStore store, int count) {
        assertThat(store.size()).isEqualTo(count);
        for (int k = 0; k < count; k++) {
            assertThat(store.clientId(k)).isEqualTo("client-" + k);
            assertThat(store.weight(k)).isEqualTo(10 + k);
            ByteBuffer weights = store.tensor(k, 0);
            assertThat(weights.remaining()).isEqualTo(12);
            for (int i = 0; i < 3; i++) {
                assertThat(DType.FLOAT32.get(weights, i)).as("update %d weight %d", k, i).isEqualTo(value(k, i));
            }
            ByteBuffer bias = store.tensor(k, 1);
            assertThat(DType.FLOAT64.get(bias, 0)).isEqualTo(k * 100 + 0.25);
            assertThat(DType.FLOAT64.get(bias, 1)).isEqualTo(k * 100 + 0.5);
        }
    }

    private static Parameters bigEndianFloats(float first, float second) {
        ByteBuffer bigEndian = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putFloat(first).putFloat(second);
        byte[] npy = ParametersCodec.encode(NdArray.of(new float[] {0, 0})).getTensors(0).toByteArray();
        npy[10 + "{'descr': '".length()] = '>'; // '<f4' -> '>f4'
        System.arraycopy(bigEndian.array(), 0, npy, npy.length - 8, 8);
        return Parameters.newBuilder().setTensorType("numpy.ndarray").addTensors(ByteString.copyFrom(npy)).build();
    }

    private static List<Path> filesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        }
    }
}
