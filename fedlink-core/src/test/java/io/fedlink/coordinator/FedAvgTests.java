package io.fedlink.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import io.fedlink.proto.Parameters;
import io.fedlink.server.ClientUpdateRejectedException;
import io.fedlink.tensor.DType;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.NpyFormatException;
import io.fedlink.tensor.ParametersCodec;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FedAvgTests {

    @Test
    void equalsTheWeightedMeanComputedByPlainLoops() {
        Random random = new Random(11);
        int clients = 7;
        float[][] layer = new float[clients][12];
        double[][] bias = new double[clients][5];
        long[] examples = new long[clients];
        FedAvg fedAvg = new FedAvg();
        for (int c = 0; c < clients; c++) {
            for (int i = 0; i < 12; i++) {
                layer[c][i] = (float) random.nextGaussian();
            }
            for (int i = 0; i < 5; i++) {
                bias[c][i] = random.nextGaussian() * 100;
            }
            examples[c] = 1 + random.nextInt(1000);
            fedAvg.add("client-" + c, ParametersCodec.encode(NdArray.of(layer[c], 3, 4), NdArray.of(bias[c])), examples[c]);
        }

        long total = 0;
        for (long n : examples) {
            total += n;
        }
        double[] expectedLayer = new double[12];
        double[] expectedBias = new double[5];
        for (int c = 0; c < clients; c++) {
            for (int i = 0; i < 12; i++) {
                expectedLayer[i] += layer[c][i] * (double) examples[c] / total;
            }
            for (int i = 0; i < 5; i++) {
                expectedBias[i] += bias[c][i] * examples[c] / total;
            }
        }
        List<NdArray> result = ParametersCodec.decode(fedAvg.result());
        assertThat(result.get(0).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(result.get(0).shape()).containsExactly(3, 4);
        float[] actualLayer = result.get(0).toFloatArray();
        for (int i = 0; i < 12; i++) {
            assertThat((double) actualLayer[i]).isCloseTo(expectedLayer[i], within(1e-6));
        }
        assertThat(result.get(1).dtype()).isEqualTo(DType.FLOAT64);
        double[] actualBias = result.get(1).toDoubleArray();
        for (int i = 0; i < 5; i++) {
            assertThat(actualBias[i]).isCloseTo(expectedBias[i], within(1e-9));
        }
        assertThat(fedAvg.updates()).isEqualTo(clients);
        assertThat(fedAvg.totalExamples()).isEqualTo(total);
    }

    @Test
    void keepsEachTensorsDtypeAndRoundsIntegerTensors() {
        FedAvg fedAvg = new FedAvg();
        fedAvg.add("a", ParametersCodec.encode(NdArray.of(new int[] {0, 10}), NdArray.scalar(1f)), 1);
        fedAvg.add("b", ParametersCodec.encode(NdArray.of(new int[] {1, 20}), NdArray.scalar(2f)), 2);

        List<NdArray> result = fedAvg.resultArrays();

        assertThat(result.get(0).dtype()).isEqualTo(DType.INT32);
        assertThat(result.get(0).toIntArray()).containsExactly(1, 17); // 2/3 -> 1, 50/3 = 16.67 -> 17
        assertThat(result.get(1).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(result.get(1).shape()).isEmpty();
        assertThat(result.get(1).toFloatArray()).containsExactly(5f / 3f);
    }

    @Test
    void rejectsAnUpdateOfAnotherShapeNamingTheClientWhileTheOthersStillAggregate() {
        FedAvg fedAvg = new FedAvg(ParametersCodec.encode(NdArray.zeros(DType.FLOAT32, 2, 3)));
        fedAvg.add("good-1", ParametersCodec.encode(NdArray.of(new float[] {1, 1, 1, 1, 1, 1}, 2, 3)), 1);

        assertThatThrownBy(() -> fedAvg.add("odd-one", ParametersCodec.encode(NdArray.of(new float[] {9, 9, 9, 9, 9, 9}, 3, 2)), 5))
                .isInstanceOf(ClientUpdateRejectedException.class)
                .hasMessage("Update from client odd-one rejected: tensor 0 is float32 (3, 2), expected float32 (2, 3) as in the global model")
                .satisfies(e -> assertThat(((ClientUpdateRejectedException) e).clientId()).isEqualTo("odd-one"));
        fedAvg.add("good-2", ParametersCodec.encode(NdArray.of(new float[] {3, 3, 3, 3, 3, 3}, 2, 3)), 1);

        assertThat(fedAvg.updates()).isEqualTo(2);
        assertThat(fedAvg.resultArrays().get(0).toFloatArray()).containsOnly(2f);
    }

    @Test
    void rejectsAnotherDtypeOrTensorCount() {
        FedAvg fedAvg = new FedAvg();
        fedAvg.add("first", ParametersCodec.encode(NdArray.of(new float[] {1, 2})), 3);

        assertThatThrownBy(() -> fedAvg.add("doubles", ParametersCodec.encode(NdArray.of(new double[] {1, 2})), 3))
                .isInstanceOf(ClientUpdateRejectedException.class)
                .hasMessage("Update from client doubles rejected: tensor 0 is float64 (2,), expected float32 (2,)"
                        + " as in the first accepted update (client first)");
        assertThatThrownBy(() -> fedAvg.add("two", ParametersCodec.encode(NdArray.of(new float[] {1, 2}), NdArray.scalar(1f)), 3))
                .isInstanceOf(ClientUpdateRejectedException.class)
                .hasMessageContaining("it has 2 tensors, expected 1");
        assertThat(fedAvg.updates()).isEqualTo(1);
    }

    @Test
    void rejectsUnreadableTensorsAndNonPositiveExampleCounts() {
        FedAvg fedAvg = new FedAvg();
        Parameters garbage = Parameters.newBuilder().setTensorType("numpy.ndarray")
                .addTensors(ByteString.copyFromUtf8("garbage")).build();
        assertThatThrownBy(() -> fedAvg.add("broken", garbage, 1)).isInstanceOf(ClientUpdateRejectedException.class)
                .hasMessageStartingWith("Update from client broken rejected: tensor 0: Not a .npy array")
                .hasCauseInstanceOf(NpyFormatException.class);
        Parameters fine = ParametersCodec.encode(NdArray.of(new float[] {1}));
        assertThatThrownBy(() -> fedAvg.add("empty", fine, 0)).isInstanceOf(ClientUpdateRejectedException.class)
                .hasMessageContaining("num_examples is 0");
        assertThatThrownBy(() -> fedAvg.add("pickled", fine.toBuilder().setTensorType("torch").build(), 1))
                .isInstanceOf(ClientUpdateRejectedException.class).hasMessageContaining("'torch'");
        assertThat(fedAvg.updates()).isZero();
    }

    @Test
    void readsBigEndianUpdatesIntoTheSameLayout() {
        FedAvg fedAvg = new FedAvg();
        fedAvg.add("little", ParametersCodec.encode(NdArray.of(new float[] {1, 2})), 1);
        ByteBuffer bigEndian = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putFloat(3).putFloat(4);
        byte[] npy = ParametersCodec.encode(NdArray.of(new float[] {0, 0})).getTensors(0).toByteArray();
        npy[10 + "{'descr': '".length()] = '>'; // '<f4' -> '>f4'
        System.arraycopy(bigEndian.array(), 0, npy, npy.length - 8, 8);
        fedAvg.add("big", Parameters.newBuilder().setTensorType("numpy.ndarray").addTensors(ByteString.copyFrom(npy)).build(), 1);

        assertThat(fedAvg.resultArrays().get(0).toFloatArray()).containsExactly(2f, 3f);
    }

    @Test
    void hasNoResultBeforeTheFirstUpdate() {
        assertThatThrownBy(() -> new FedAvg().result()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no client's fit_res was accepted");
    }

    @Test
    void keepsNoReferenceToTheUpdatesItAdded() throws InterruptedException {
        FedAvg fedAvg = new FedAvg();
        List<WeakReference<Object>> added = new ArrayList<>();
        for (int c = 0; c < 200; c++) {
            added.addAll(addUpdate(fedAvg, c));
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (added.stream().anyMatch(ref -> ref.get() != null) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }

        assertThat(added.stream().filter(ref -> ref.get() != null).count())
                .as("updates still reachable after FedAvg.add returned").isZero();
        assertThat(fedAvg.updates()).isEqualTo(200);
        assertThat(fedAvg.resultArrays().get(0).toFloatArray()[0]).isEqualTo(199f / 2);
    }

    /** Adds one update made here (so no caller frame holds it) and returns weak references to its parts. */
    private static List<WeakReference<Object>> addUpdate(FedAvg fedAvg, int value) {
        float[] values = new float[10_000];
        java.util.Arrays.fill(values, value);
        Parameters update = ParametersCodec.encode(NdArray.of(values));
        List<WeakReference<Object>> refs = List.of(new WeakReference<>(update), new WeakReference<>(update.getTensors(0)));
        fedAvg.add("client-" + value, update, 1);
        return refs;
    }

    @Test
    void theWeakReferenceCheckDetectsAnUpdateThatIsStillHeld() throws InterruptedException {
        // The check above must be able to fail: an update kept reachable is seen as such.
        List<Parameters> kept = new ArrayList<>();
        FedAvg fedAvg = new FedAvg();
        List<WeakReference<Object>> refs = addUpdate(fedAvg, 1);
        kept.add((Parameters) refs.get(0).get());
        System.gc();
        Thread.sleep(20);
        assertThat(refs.get(0).get()).isNotNull();
        assertThat(kept).hasSize(1);
    }
}
