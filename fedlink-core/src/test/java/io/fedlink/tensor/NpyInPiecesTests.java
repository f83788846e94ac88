package io.fedlink.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A tensor of a reply parsed in place lies in the transport's buffers, in pieces of any size (HTTP/2 frames): an element
 * or the header can straddle two of them. Reading and folding it from its pieces gives exactly what reading it from
 * one array gives, and bad bytes are refused with the same message.
 */
class NpyInPiecesTests {

    private static final int[] PIECE_SIZES = {1, 3, 7, 64, 1000, 16 * 1024};

    @Test
    void readsTheSameArrayAndHeaderFromPiecesOfAnySize() {
        for (NdArray array : arrays()) {
            byte[] npy = Npy.write(array);
            for (int pieceSize : PIECE_SIZES) {
                ByteString pieces = inPieces(npy, pieceSize);
                assertThat(Npy.read(pieces)).as("%s in pieces of %d", array, pieceSize).isEqualTo(array);
                assertThat(Npy.readHeader(pieces)).usingRecursiveComparison().isEqualTo(Npy.readHeader(ByteBuffer.wrap(npy)));
            }
            ByteString withinALargerArray = ByteString.copyFrom(new byte[5]).concat(ByteString.copyFrom(npy)).substring(5);
            assertThat(Npy.read(withinALargerArray)).isEqualTo(array);
        }
    }

    @Test
    void refusesEveryTruncationAndCorruptionWithTheMessageItGivesForOneArray() {
        byte[] valid = Npy.write(NdArray.of(new double[] {1, 2, 3}, 3));
        List<byte[]> bad = new ArrayList<>();
        for (int length = 0; length < valid.length; length++) {
            bad.add(Arrays.copyOf(valid, length));
        }
        bad.add(Arrays.copyOf(valid, valid.length + 8));
        Random random = new Random(3);
        for (int trial = 0; trial < 2000; trial++) {
            byte[] corrupt = valid.clone();
            corrupt[random.nextInt(130)] = (byte) random.nextInt(256);
            bad.add(corrupt);
        }
        for (byte[] bytes : bad) {
            Throwable fromArray = catchThrowable(() -> Npy.read(bytes));
            for (int pieceSize : new int[] {1, 5, 64}) {
                Throwable fromPieces = catchThrowable(() -> Npy.read(inPieces(bytes, pieceSize)));
                if (fromArray == null) {
                    assertThat(fromPieces).isNull();
                    assertThat(Npy.read(inPieces(bytes, pieceSize))).isEqualTo(Npy.read(bytes));
                } else {
                    assertThat(fromPieces).isInstanceOf(NpyFormatException.class).hasMessage(fromArray.getMessage());
                }
            }
        }
    }

    @Test
    void foldsEveryDtypeFromItsPiecesAsFromTheDecodedArray() {
        for (NdArray array : arrays()) {
            byte[] npy = Npy.write(array);
            double[] decoded = array.toDoubleArray();
            for (int pieceSize : PIECE_SIZES) {
                ByteString pieces = inPieces(npy, pieceSize);
                NpyHeader header = Npy.readHeader(pieces);
                double[] sums = new double[header.size()];
                Arrays.fill(sums, 1.5);
                NpyFold.addScaled(pieces, header, 3.0, sums);
                for (int i = 0; i < sums.length; i++) {
                    assertThat(sums[i]).as("%s element %d in pieces of %d", array, i, pieceSize)
                            .isEqualTo(1.5 + 3.0 * decoded[i]);
                }
            }
            ByteString withinALargerArray = ByteString.copyFrom(new byte[5]).concat(ByteString.copyFrom(npy)).substring(5);
            double[] sums = new double[decoded.length];
            NpyFold.addScaled(withinALargerArray, Npy.readHeader(withinALargerArray), 1.0, sums);
            assertThat(sums).containsExactly(Arrays.stream(decoded).map(value -> 0.0 + value).toArray());
        }
    }

    @Test
    void foldsFloat32InFloat32AsNumpyDoes() {
        float[] values = randomFloats(50_000, 5);
        byte[] npy = Npy.write(NdArray.of(values));
        // HTTP/2-frame-sized pieces, and the whole tensor in one array: a run of far more elements than are folded
        // at a time
        for (ByteString bytes : List.of(inPieces(npy, 16 * 1024 + 1), ByteString.copyFrom(npy))) {
            float[] sums = new float[values.length];
            Arrays.fill(sums, 0.25f);

            NpyFold.addScaled(bytes, Npy.readHeader(bytes), 7f, sums);

            for (int i = 0; i < values.length; i++) {
                assertThat(sums[i]).as("element %d", i).isEqualTo(0.25f + 7f * values[i]);
            }
        }
    }

    @Test
    void foldsALargeBigEndianFloat32TensorElementByElement() {
        float[] values = randomFloats(10_000, 9);
        ByteBuffer data = ByteBuffer.allocate(4 * values.length).order(ByteOrder.BIG_ENDIAN);
        for (float value : values) {
            data.putFloat(value);
        }
        byte[] npy = bigEndianNpy(data.array(), "'>f4'", values.length);
        for (ByteString bytes : List.of(inPieces(npy, 1000), ByteString.copyFrom(npy))) {
            float[] floatSums = new float[values.length];
            double[] doubleSums = new double[values.length];

            NpyFold.addScaled(bytes, Npy.readHeader(bytes), 3f, floatSums);
            NpyFold.addScaled(bytes, Npy.readHeader(bytes), 3.0, doubleSums);

            for (int i = 0; i < values.length; i++) {
                assertThat(floatSums[i]).as("element %d", i).isEqualTo(3f * values[i]);
                assertThat(doubleSums[i]).as("element %d", i).isEqualTo(3.0 * values[i]);
            }
        }
    }

    @Test
    void foldsBigEndianTensorsInTheirOwnByteOrder() {
        ByteBuffer data = ByteBuffer.allocate(3 * 8).order(ByteOrder.BIG_ENDIAN).putDouble(1.5).putDouble(-2).putDouble(4);
        byte[] npy = bigEndianNpy(data.array(), "'>f8'", 3);
        double[] sums = new double[3];

        NpyFold.addScaled(inPieces(npy, 5), Npy.readHeader(inPieces(npy, 5)), 2.0, sums);

        assertThat(sums).containsExactly(3.0, -4.0, 8.0);
    }

    @Test
    void refusesSumsOfAnotherSizeOrDtypeAndAHeaderOfOtherBytes() {
        ByteString npy = ByteString.copyFrom(Npy.write(NdArray.of(new float[] {1, 2, 3})));
        NpyHeader header = Npy.readHeader(npy);
        ByteString longer = ByteString.copyFrom(Npy.write(NdArray.of(new float[] {1, 2, 3, 4})));

        assertThatThrownBy(() -> NpyFold.addScaled(npy, header, 1f, new float[2]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sums hold 2 elements, the tensor 3");
        assertThatThrownBy(() -> NpyFold.addScaled(ByteString.copyFrom(Npy.write(NdArray.of(new double[] {1}))),
                Npy.readHeader(ByteString.copyFrom(Npy.write(NdArray.of(new double[] {1})))), 1f, new float[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("float64 tensor cannot be summed in float32");
        assertThatThrownBy(() -> NpyFold.addScaled(longer, header, 1.0, new double[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not the header of these bytes");
    }

    private static List<NdArray> arrays() {
        return List.of(
                NdArray.of(randomFloats(10_001, 1), 10_001),
                NdArray.of(new double[] {1.25, -2.5, Double.MAX_VALUE, Double.MIN_VALUE, -0.0}),
                NdArray.of(new int[] {Integer.MIN_VALUE, -1, 0, 7, Integer.MAX_VALUE}),
                NdArray.of(new long[] {Long.MIN_VALUE, -5, 0, 1L << 40}),
                NdArray.fromDoubles(DType.INT8, new double[] {-128, -1, 0, 127}, 4),
                NdArray.fromDoubles(DType.UINT8, new double[] {0, 1, 128, 255}, 2, 2),
                NdArray.scalar(3.5f),
                NdArray.of(new float[0], 3, 0));
    }

    private static float[] randomFloats(int count, long seed) {
        Random random = new Random(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /** {@code bytes} as the transport holds a received message: direct buffers of {@code pieceSize} bytes, joined. */
    private static ByteString inPieces(byte[] bytes, int pieceSize) {
        List<ByteString> pieces = new ArrayList<>();
        for (int offset = 0; offset < bytes.length; offset += pieceSize) {
            int length = Math.min(pieceSize, bytes.length - offset);
            pieces.add(UnsafeByteOperations.unsafeWrap(ByteBuffer.allocateDirect(length).put(bytes, offset, length).flip()));
        }
        return ByteString.copyFrom(pieces);
    }

    private static byte[] bigEndianNpy(byte[] data, String descr, int elements) {
        String header = "{'descr': " + descr + ", 'fortran_order': False, 'shape': (" + elements + ",), }";
        int padding = 64 - ((10 + header.length() + 1) % 64);
        String padded = header + " ".repeat(padding) + "\n";
        ByteBuffer out = ByteBuffer.allocate(10 + padded.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) padded.length());
        out.put(padded.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).put(data);
        return out.array();
    }
}
