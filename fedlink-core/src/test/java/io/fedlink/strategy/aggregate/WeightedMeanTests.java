package io.fedlink.strategy.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.fedlink.proto.Parameters;
import io.fedlink.server.ClientUpdateRejectedException;
import io.fedlink.tensor.DType;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.NpyFormatException;
import io.fedlink.tensor.ParametersCodec;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightedMeanTests {

    @Test
    void writesEachFloat32MeanAsTheSumDividedInDoubleAndRoundedToFloat() {
        // totals below 2^24 are divided in float32, larger ones in double: the floats must be the same either way
        for (long[] weights : new long[][] {{3, 5, 1_000}, {(1L << 24) - 7, 3, 1}, {1L << 40, 3, 1}}) {
            Random random = new Random(weights[0]);
            float[] first = new float[10_000];
            float[] second = new float[10_000];
            for (int i = 0; i < first.length; i++) {
                first[i] = (float) random.nextGaussian();
                second[i] = (float) (random.nextGaussian() * 1e6);
            }
            WeightedMean mean = new WeightedMean();
            mean.add("client-a", ParametersCodec.encode(NdArray.of(first)), weights[0]);
            mean.add("client-b", ParametersCodec.encode(NdArray.of(second)), weights[1]);
            mean.add("client-c", ParametersCodec.encode(NdArray.of(first)), weights[2]);

            float[] written = ParametersCodec.decode(mean.result()).get(0).toFloatArray();

            for (int i = 0; i < written.length; i++) {
                assertThat(written[i]).as("element %d, weights %s", i, java.util.Arrays.toString(weights))
                        .isEqualTo((float) mean.meanElement(0, i));
            }
        }
    }

    @Test
    void equalsTheWeightedMeanComputedByPlainLoops() {
        Random random = new Random(11);
        int clients = 7;
        float[][] layer = new float[clients][12];
        double[][] bias = new double[clients][5];
        long[] examples = new long[clients];
        WeightedMean mean = new WeightedMean();
        for (int c = 0; c < clients; c++) {
            for (int i = 0; i < 12; i++) {
                layer[c][i] = (float) random.nextGaussian();
            }
            for (int i = 0; i < 5; i++) {
                bias[c][i] = random.nextGaussian() * 100;
            }
            examples[c] = 1 + random.nextInt(1000);
            mean.add("client-" + c, ParametersCodec.encode(NdArray.of(layer[c], 3, 4), NdArray.of(bias[c])), examples[c]);
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
        List<NdArray> result = ParametersCodec.decode(mean.result());
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
        assertThat(mean.updates()).isEqualTo(clients);
        assertThat(mean.totalWeight()).isEqualTo(total);
    }

    @Test
    void keepsEachTensorsDtypeAndRoundsIntegerTensors() {
        WeightedMean mean = new WeightedMean();
        mean.add("a", ParametersCodec.encode(NdArray.of(new int[] {0, 10}), NdArray.scalar(1f)), 1);
        mean.add("b", ParametersCodec.encode(NdArray.of(new int[] {1, 20}), NdArray.scalar(2f)), 2);

        List<NdArray> result = mean.resultArrays();

        assertThat(result.get(0).dtype()).isEqualTo(DType.INT32);
        assertThat(result.get(0).toIntArray()).containsExactly(1, 17); // 2/3 -> 1, 50/3 = 16.67 -> 17
        assertThat(result.get(1).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(result.get(1).shape()).isEmpty();
        assertThat(result.get(1).toFloatArray()).containsExactly(5f / 3f);
    }

    @Test
    void rejectsAnUpdateOfAnotherShapeNamingTheClientWhileTheOthersStillAggregate() {
        WeightedMean mean = new WeightedMean(ParametersCodec.encode(NdArray.zeros(DType.FLOAT32, 2, 3)));
        mean.add("good-1", ParametersCodec.encode(NdArray.of(new float[] {1, 1, 1, 1, 1, 1}, 2, 3)), 1);

        assertThatThrownBy(() -> mean.add("odd-one", ParametersCodec.encode(NdArray.of(new float[] {9, 9, 9, 9, 9, 9}, 3, 2)), 5))
                .isInstanceOf(ClientUpdateRejectedException.class)
                .hasMessage("Update from client odd-one rejected: tensor 0 is float32 (3, 2), expected float32 (2, 3) as in the global model")
                .satisfies(e -> assertThat(((ClientUpdateRejectedException) e).clientId()).isEqualTo("odd-one"));
        mean.add("good-2", ParametersCodec.encode(NdArray.of(new float[] {3, 3, 3, 3, 3, 3}, 2, 3)), 1);

        assertThat(mean.updates()).isEqualTo(2);
        assertThat(mean.resultArrays().get(0).toFloatArray()).containsOnly(2f);
    }

    @Test
    void rejectsAnotherDtypeOrTensorCount() {
        WeightedMean mean = new WeightedMean();
        mean.add("first", ParametersCodec.encode(NdArray.of(new float[] {1, 2})), 3);

        assertThatThrownBy(() -> mean.add("doubles", ParametersCodec.encode(NdArray.of(new double[] {1, 2})), 3))
                .isInstanceOf(ClientUpdateRejectedException.class)
                .hasMessage("Update from client doubles rejected: tensor 0 is float64 (2,), expected float32 (2,)"
                        + " as in the first accepted update (client first)");
        assertThatThrownBy(() -> mean.add("two", ParametersCodec.encode(NdArray.of(new float[] {1, 2}), NdArray.scalar(1f)), 3))
                .isInstanceOf(ClientUpdateRejectedException.class)
                .hasMessageContaining("it has 2 tensors, expected 1");
        assertThat(mean.updates()).isEqualTo(1);
    }

    @Test
    void rejectsUnreadableTensorsAndNonPositiveExampleCounts() {
        WeightedMean mean = new WeightedMean();
        Parameters garbage = Parameters.newBuilder().setTensorType("numpy.ndarray")
                .addTensors(ByteString.copyFromUtf8("garbage")).build();
        assertThatThrownBy(() -> mean.add("broken", garbage, 1)).isInstanceOf(ClientUpdateRejectedException.class)
                .hasMessageStartingWith("Update from client broken rejected: tensor 0: Not a .npy array")
                .hasCauseInstanceOf(NpyFormatException.class);
        Parameters fine = ParametersCodec.encode(NdArray.of(new float[] {1}));
        assertThatThrownBy(() -> mean.add("empty", fine, 0)).isInstanceOf(ClientUpdateRejectedException.class)
                .hasMessageContaining("num_examples is 0");
        assertThatThrownBy(() -> mean.add("pickled", fine.toBuilder().setTensorType("torch").build(), 1))
                .isInstanceOf(ClientUpdateRejectedException.class).hasMessageContaining("'torch'");
        assertThat(mean.updates()).isZero();
    }

    @Test
    void readsBigEndianUpdatesIntoTheSameLayout() {
        WeightedMean mean = new WeightedMean();
        mean.add("little", ParametersCodec.encode(NdArray.of(new float[] {1, 2})), 1);
        ByteBuffer bigEndian = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putFloat(3).putFloat(4);
        byte[] npy = ParametersCodec.encode(NdArray.of(new float[] {0, 0})).getTensors(0).toByteArray();
        npy[10 + "{'descr': '".length()] = '>'; // '<f4' -> '>f4'
        System.arraycopy(bigEndian.array(), 0, npy, npy.length - 8, 8);
        mean.add("big", Parameters.newBuilder().setTensorType("numpy.ndarray").addTensors(ByteString.copyFrom(npy)).build(), 1);

        assertThat(mean.resultArrays().get(0).toFloatArray()).containsExactly(2f, 3f);
    }

    @Test
    void hasNoResultBeforeTheFirstUpdate() {
        assertThatThrownBy(() -> new WeightedMean().result()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no client's fit_res was accepted");
    }

    @Test
    void rejectsAnUpdateWhoseExampleCountWouldOverflowTheTotalAndKeepsTheOthers() {
        WeightedMean mean = new WeightedMean();
        mean.add("a", ParametersCodec.encode(NdArray.of(new float[] {1f})), 1L << 62);

        assertThatThrownBy(() -> mean.add("b", ParametersCodec.encode(NdArray.of(new float[] {-1f})), 1L << 62))
                .isInstanceOf(ClientUpdateRejectedException.class)
                .hasMessage("Update from client b rejected: its num_examples 4611686018427387904 added to the"
                        + " 4611686018427387904 examples of the round's other updates overflows a 64-bit count, which"
                        + " would flip the sign of the mean");
        mean.add("c", ParametersCodec.encode(NdArray.of(new float[] {3f})), 3);

        assertThat(mean.updates()).isEqualTo(2);
        assertThat(mean.totalWeight()).isEqualTo((1L << 62) + 3);
        assertThat(mean.resultArrays().get(0).toFloatArray()[0]).isEqualTo(1f);
    }

    @Test
    void keepsNoReferenceToTheUpdatesItAdded() throws InterruptedException {
        WeightedMean mean = new WeightedMean();
        List<WeakReference<Object>> added = new ArrayList<>();
        for (int c = 0; c < 200; c++) {
            added.addAll(addUpdate(mean, c, null));
        }

        assertThat(stillReachable(added, Duration.ofSeconds(20))).as("updates still reachable after add returned").isZero();
        assertThat(mean.updates()).isEqualTo(200);
        assertThat(mean.resultArrays().get(0).toFloatArray()[0]).isEqualTo(199f / 2);
    }

    @Test
    void theReachabilityCheckReportsUpdatesThatAnAggregatorKeeps() throws InterruptedException {
        // The check above must be able to fail: run it on an aggregator that keeps every update (as keep-all does).
        WeightedMean mean = new WeightedMean();
        List<Parameters> keptByALeakyAggregator = new ArrayList<>();
        List<WeakReference<Object>> added = new ArrayList<>();
        for (int c = 0; c < 20; c++) {
            added.addAll(addUpdate(mean, c, keptByALeakyAggregator));
        }

        assertThat(stillReachable(added, Duration.ofSeconds(2))).isEqualTo(added.size());
        assertThat(keptByALeakyAggregator).hasSize(20);
    }

    @Test
    void anUpdateLyingInTheTransportsBuffersFoldsExactlyAsTheSameUpdateInOneArray() {
        Random random = new Random(5);
        WeightedMean fromArrays = new WeightedMean();
        WeightedMean fromPieces = new WeightedMean();
        for (int c = 0; c < 4; c++) {
            float[] layer = new float[1_001];
            double[] bias = new double[333];
            for (int i = 0; i < layer.length; i++) {
                layer[i] = (float) random.nextGaussian();
            }
            for (int i = 0; i < bias.length; i++) {
                bias[i] = random.nextGaussian();
            }
            Parameters update = ParametersCodec.encode(NdArray.of(layer), NdArray.of(bias));
            // pieces of 7 bytes: most float32 and float64 elements straddle two buffers
            Parameters received = update.toBuilder().clearTensors()
                    .addTensors(inDirectPieces(update.getTensors(0), 7)).addTensors(inDirectPieces(update.getTensors(1), 7))
                    .build();
            fromArrays.add("client-" + c, update, c + 1);
            fromPieces.add("client-" + c, received, c + 1);
        }

        assertThat(fromPieces.result()).isEqualTo(fromArrays.result());
    }

    /** {@code bytes} as gRPC hands a received message over: direct buffers of {@code size} bytes, joined. */
    private static ByteString inDirectPieces(ByteString bytes, int size) {
        List<ByteString> pieces = new ArrayList<>();
        for (int offset = 0; offset < bytes.size(); offset += size) {
            ByteString piece = bytes.substring(offset, Math.min(bytes.size(), offset + size));
            ByteBuffer direct = ByteBuffer.allocateDirect(piece.size());
            piece.copyTo(direct);
            pieces.add(UnsafeByteOperations.unsafeWrap(direct.flip()));
        }
        return ByteString.copyFrom(pieces);
    }

    /** Adds one update made here (so no caller frame holds it) and returns weak references to its parts. */
    private static List<WeakReference<Object>> addUpdate(WeightedMean mean, int value, List<Parameters> keep) {
        float[] values = new float[10_000];
        java.util.Arrays.fill(values, value);
        Parameters update = ParametersCodec.encode(NdArray.of(values));
        if (keep != null) {
            keep.add(update);
        }
        List<WeakReference<Object>> refs = List.of(new WeakReference<>(update), new WeakReference<>(update.getTensors(0)));
        mean.add("client-" + value, update, 1);
        return refs;
    }

    /** Collects garbage until every reference is cleared or {@code bound} passes; how many are still reachable. */
    private static long stillReachable(List<WeakReference<Object>> refs, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (refs.stream().anyMatch(ref -> ref.get() != null) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        return refs.stream().filter(ref -> ref.get() != null).count();
    }
}
