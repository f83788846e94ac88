package io.fedlink.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fedlink.test.process.DebianPython;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTests {

    /** The arrays of npy_cases.py's cases(), built in Java (except f4_random, which only NumPy's RNG makes). */
    private static Map<String, NdArray> javaCases() {
        Map<String, NdArray> cases = new LinkedHashMap<>();
        float[] f4 = new float[6];
        for (int i = 0; i < 6; i++) {
            f4[i] = i * 0.5f - 1f;
        }
        cases.put("f4_2x3", NdArray.of(f4, 2, 3));
        cases.put("f8_scalar", NdArray.scalar(3.25));
        cases.put("i4_scalar", NdArray.scalar(-7));
        long[] i8 = new long[24];
        for (int i = 0; i < 24; i++) {
            i8[i] = i - 12;
        }
        cases.put("i8_3d", NdArray.of(i8, 2, 3, 4));
        cases.put("i4_empty", NdArray.of(new int[0]));
        cases.put("f4_empty_2d", NdArray.of(new float[0], 3, 0));
        cases.put("f8_special", NdArray.of(new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                -0.0, 1e-300, Double.MAX_VALUE}));
        cases.put("i4_extremes", NdArray.of(new int[] {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE}));
        cases.put("i8_extremes", NdArray.of(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}));
        cases.put("u1_vec", NdArray.fromDoubles(DType.UINT8, new double[] {0, 1, 128, 255}, 4));
        cases.put("i1_vec", NdArray.fromDoubles(DType.INT8, new double[] {-128, -1, 0, 127}, 4));
        cases.put("f4_long_dim", NdArray.zeros(DType.FLOAT32, 123456789012L, 0));
        double[] f8 = new double[64];
        for (int i = 0; i < 64; i++) {
            f8[i] = i / 3.0;
        }
        cases.put("f8_6d", NdArray.of(f8, 2, 2, 2, 2, 2, 2));
        return cases;
    }

    @Test
    void writesExactlyTheBytesNumpySaveWrites(@TempDir Path dir) throws IOException {
        numpy(dir, "write", dir);

        for (Map.Entry<String, NdArray> entry : javaCases().entrySet()) {
            byte[] numpyBytes = Files.readAllBytes(dir.resolve(entry.getKey() + ".npy"));
            assertThat(Npy.write(entry.getValue())).as(entry.getKey()).isEqualTo(numpyBytes);
        }
        byte[] random = Files.readAllBytes(dir.resolve("f4_random.npy"));
        assertThat(Npy.write(Npy.read(random))).as("f4_random re-written").isEqualTo(random);
    }

    @Test
    void readsWhatNumpySaveWritesIncludingBigEndian(@TempDir Path dir) throws IOException {
        numpy(dir, "write", dir);

        for (Map.Entry<String, NdArray> entry : javaCases().entrySet()) {
            NdArray read = Npy.read(Files.readAllBytes(dir.resolve(entry.getKey() + ".npy")));
            assertThat(read).as(entry.getKey()).isEqualTo(entry.getValue());
        }
        NdArray random = Npy.read(Files.readAllBytes(dir.resolve("f4_random.npy")));
        assertThat(random.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(random.shape()).containsExactly(100, 17);

        assertThat(Npy.read(Files.readAllBytes(dir.resolve("be_f4.npy"))))
                .isEqualTo(NdArray.of(new float[] {1.5f, -2.25f, 3.0f}));
        assertThat(Npy.read(Files.readAllBytes(dir.resolve("be_i8.npy"))))
                .isEqualTo(NdArray.of(new long[] {0, 1, 2, 3, 4, 5}, 3, 2));
    }

    @Test
    void numpyLoadsWhatFedlinkWrites(@TempDir Path dir) throws IOException {
        Path numpyDir = Files.createDirectory(dir.resolve("numpy"));
        Path fedlinkDir = Files.createDirectory(dir.resolve("fedlink"));
        numpy(numpyDir, "write", numpyDir);
        for (Map.Entry<String, NdArray> entry : javaCases().entrySet()) {
            Files.write(fedlinkDir.resolve(entry.getKey() + ".npy"), Npy.write(entry.getValue()));
        }
        NdArray random = Npy.read(Files.readAllBytes(numpyDir.resolve("f4_random.npy")));
        Files.write(fedlinkDir.resolve("f4_random.npy"), Npy.write(random));

        String output = numpy(dir, "verify", fedlinkDir);

        assertThat(output.strip()).isEqualTo("verified " + (javaCases().size() + 1));
    }

    @Test
    void rejectsFortranOrderedArraysFromNumpyWithAClearMessage(@TempDir Path dir) throws IOException {
        numpy(dir, "write", dir);
        byte[] fortran = Files.readAllBytes(dir.resolve("fortran_2x3.npy"));

        assertThatThrownBy(() -> Npy.read(fortran)).isInstanceOf(NpyFormatException.class)
                .hasMessageContaining("Fortran order").hasMessageContaining("(2, 3)")
                .hasMessageContaining("ascontiguousarray");
    }

    @Test
    void roundTripsEveryDtypeAndShape() {
        for (NdArray array : javaCases().values()) {
            assertThat(Npy.read(Npy.write(array))).isEqualTo(array);
        }
        assertThat(Npy.read(Npy.write(NdArray.zeros(DType.INT64)))).isEqualTo(NdArray.scalar(0L));
        NdArray threeD = NdArray.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2);
        NdArray back = Npy.read(Npy.write(threeD));
        assertThat(back.shape()).containsExactly(2, 2, 2);
        assertThat(back.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void alignsTheDataOnSixtyFourBytesAndEndsTheHeaderWithANewline() {
        for (long length = 0; length < 200; length++) {
            byte[] bytes = Npy.write(NdArray.zeros(DType.FLOAT64, length, 1));
            int headerLength = ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
            assertThat((10 + headerLength) % 64).isZero();
            assertThat(bytes[10 + headerLength - 1]).isEqualTo((byte) '\n');
            assertThat(bytes.length).isEqualTo(10 + headerLength + length * 8);
        }
    }

    @Test
    void rejectsBytesWithoutTheMagicString() {
        assertThatThrownBy(() -> Npy.read("hello, world".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(NpyFormatException.class).hasMessageContaining("magic string")
                .hasMessageContaining("68 65 6C 6C");
        assertThatThrownBy(() -> Npy.read(new byte[0])).isInstanceOf(NpyFormatException.class)
                .hasMessageContaining("no bytes at all");
        assertThatThrownBy(() -> Npy.read(new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0}))
                .isInstanceOf(NpyFormatException.class).hasMessageContaining("numpy.savez");
    }

    @Test
    void rejectsEveryTruncationOfAValidArray() {
        byte[] valid = Npy.write(NdArray.of(new double[] {1, 2, 3}));
        for (int length = 0; length < valid.length; length++) {
            byte[] truncated = Arrays.copyOf(valid, length);
            assertThatThrownBy(() -> Npy.read(truncated)).as("truncated to %d bytes", length)
                    .isInstanceOf(NpyFormatException.class);
        }
        assertThatThrownBy(() -> Npy.read(Arrays.copyOf(valid, valid.length - 1)))
                .hasMessage("Truncated .npy array: the header declares <f8 (3,), 24 data bytes, but 23 bytes follow the header");
    }

    @Test
    void rejectsTrailingBytesAfterTheData() {
        byte[] valid = Npy.write(NdArray.of(new int[] {1, 2}));
        assertThatThrownBy(() -> Npy.read(Arrays.copyOf(valid, valid.length + 4)))
                .isInstanceOf(NpyFormatException.class)
                .hasMessage("Malformed .npy array: the header declares <i4 (2,), 8 data bytes, but 12 bytes follow the header");
    }

    @Test
    void rejectsAHeaderThatClaimsFarMoreDataThanPresentWithoutAllocatingIt() {
        byte[] lying = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000, 1000), }", new byte[16]);
        assertThatThrownBy(() -> Npy.read(lying)).isInstanceOf(NpyFormatException.class)
                .hasMessage("Truncated .npy array: the header declares <f8 (100000, 100000, 1000), 80000000000000 data bytes,"
                        + " but 16 bytes follow the header");
    }

    @Test
    void rejectsShapesWhoseSizeOverflows() {
        byte[] huge = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", new byte[8]);
        assertThatThrownBy(() -> Npy.read(huge)).isInstanceOf(NpyFormatException.class)
                .hasMessageContaining("impossible shape").hasMessageContaining("(4294967296, 4294967296)");
        byte[] justBelow = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952,), }", new byte[8]);
        assertThatThrownBy(() -> Npy.read(justBelow)).isInstanceOf(NpyFormatException.class)
                .hasMessageContaining("Truncated").hasMessageContaining("more than");
        byte[] tooManyDigits = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", new byte[0]);
        assertThatThrownBy(() -> Npy.read(tooManyDigits)).isInstanceOf(NpyFormatException.class)
                .hasMessageContaining("too large for a long");
    }

    @Test
    void rejectsNegativeDimensions() {
        byte[] negative = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 2), }", new byte[0]);
        assertThatThrownBy(() -> Npy.read(negative)).isInstanceOf(NpyFormatException.class)
                .hasMessageContaining("negative dimension");
    }

    @Test
    void rejectsUnsupportedDtypesNamingTheSupportedOnes() {
        byte[] complex = npy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new byte[16]);
        assertThatThrownBy(() -> Npy.read(complex)).isInstanceOf(NpyFormatException.class)
                .hasMessageContaining("'<c16'").hasMessageContaining("<f4, <f8, <i4, <i8, |i1, |u1");
        byte[] objects = npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new byte[8]);
        assertThatThrownBy(() -> Npy.read(objects)).isInstanceOf(NpyFormatException.class).hasMessageContaining("'|O'");
        byte[] structured = npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        assertThatThrownBy(() -> Npy.read(structured)).isInstanceOf(NpyFormatException.class)
                .hasMessageContaining("structured array");
    }

    @Test
    void rejectsHeadersWithMissingOrExtraKeys() {
        byte[] missing = npy("{'descr': '<f4', 'shape': (1,), }", new byte[4]);
        assertThatThrownBy(() -> Npy.read(missing)).isInstanceOf(NpyFormatException.class)
                .hasMessageContaining("exactly the keys");
        byte[] garbage = npy("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,), }", new byte[4]);
        assertThatThrownBy(() -> Npy.read(garbage)).isInstanceOf(NpyFormatException.class)
                .hasMessageContaining("Malformed .npy header at character");
    }

    @Test
    void readsHeadersWrittenByOtherToolsWithOtherKeyOrderAndSpacing() {
        byte[] data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(2f).array();
        byte[] other = npy("{\"shape\":(2,),\"fortran_order\":False,\"descr\":\"<f4\"}", data);
        assertThat(Npy.read(other)).isEqualTo(NdArray.of(new float[] {1f, 2f}));
        byte[] fortranVector = npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", data);
        assertThat(Npy.read(fortranVector)).isEqualTo(NdArray.of(new float[] {1f, 2f}));
    }

    @Test
    void readsFormatVersionTwo() {
        byte[] v1 = Npy.write(NdArray.of(new int[] {5, 6, 7}));
        int headerLength = ByteBuffer.wrap(v1, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        ByteBuffer v2 = ByteBuffer.allocate(v1.length + 2).order(ByteOrder.LITTLE_ENDIAN);
        v2.put(v1, 0, 6).put((byte) 2).put((byte) 0).putInt(headerLength).put(v1, 10, v1.length - 10);
        assertThat(Npy.read(v2.array())).isEqualTo(NdArray.of(new int[] {5, 6, 7}));

        byte[] v9 = v1.clone();
        v9[6] = 9;
        assertThatThrownBy(() -> Npy.read(v9)).isInstanceOf(NpyFormatException.class)
                .hasMessageContaining("format version 9.0");
    }

    @Test
    void readsFromAByteBufferPositionWithoutMovingIt() {
        byte[] npy = Npy.write(NdArray.of(new long[] {1, 2}));
        ByteBuffer buffer = ByteBuffer.allocate(npy.length + 3);
        buffer.position(3);
        buffer.put(npy);
        buffer.position(3);
        assertThat(Npy.read(buffer)).isEqualTo(NdArray.of(new long[] {1, 2}));
        assertThat(buffer.position()).isEqualTo(3);
    }

    @Test
    void randomCorruptionYieldsEitherAnArrayOrAnNpyFormatExceptionNeverAnotherFailure() {
        byte[] valid = Npy.write(NdArray.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2));
        Random random = new Random(7);
        for (int trial = 0; trial < 5000; trial++) {
            byte[] corrupt = valid.clone();
            int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips; f++) {
                corrupt[random.nextInt(Math.min(corrupt.length, 130))] = (byte) random.nextInt(256);
            }
            Throwable thrown = catchThrowable(() -> Npy.read(corrupt));
            assertThat(thrown).as("trial %d", trial).satisfiesAnyOf(
                    t -> assertThat(t).isNull(), t -> assertThat(t).isInstanceOf(NpyFormatException.class));
        }
    }

    @Test
    void readHeaderDescribesTheDataWithoutCopyingIt() {
        byte[] npy = Npy.write(NdArray.of(new double[] {1, 2, 3, 4}, 2, 2));
        NpyHeader header = Npy.readHeader(ByteBuffer.wrap(npy));
        assertThat(header.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(header.shape()).containsExactly(2, 2);
        assertThat(header.size()).isEqualTo(4);
        assertThat(header.dataOffset()).isEqualTo(128);
        assertThat(header.describe()).isEqualTo("float64 (2, 2)");
    }

    /** A version 1.0 .npy file with an arbitrary header text (padded as NumPy pads) and data. */
    private static byte[] npy(String header, byte[] data) {
        int padding = 64 - ((10 + header.length() + 1) % 64);
        String padded = header + " ".repeat(padding) + "\n";
        ByteBuffer out = ByteBuffer.allocate(10 + padded.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) padded.length());
        out.put(padded.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return out.array();
    }

    /**
     * Copies npy_cases.py into {@code workDir} and runs {@code npy_cases.py mode dir} on Debian's Python with NumPy
     * (missing NumPy fails the test: the compatibility claim must be checked); returns its output.
     */
    private static String numpy(Path workDir, String mode, Path dir) throws IOException {
        Path script = workDir.resolve("npy_cases.py");
        if (!Files.exists(script)) {
            try (InputStream in = NpyTests.class.getResourceAsStream("npy_cases.py")) {
                Files.copy(in, script);
            }
        }
        return DebianPython.get().run(List.of(script.toString(), mode, dir.toString()), Duration.ofSeconds(120));
    }
}
