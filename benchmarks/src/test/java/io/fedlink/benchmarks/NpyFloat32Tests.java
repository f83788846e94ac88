package io.fedlink.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NpyFloat32Tests {

    @Test
    void writesAVersion1HeaderPaddedTo64Bytes() {
        ByteString npy = NpyFloat32.filled(3, 1.5f);

        assertThat(npy.byteAt(0) & 0xff).isEqualTo(0x93);
        assertThat(npy.substring(1, 6).toString(StandardCharsets.US_ASCII)).isEqualTo("NUMPY");
        assertThat(npy.byteAt(6)).isEqualTo((byte) 1);
        int headerLength = (npy.byteAt(8) & 0xff) | (npy.byteAt(9) & 0xff) << 8;
        assertThat((10 + headerLength) % 64).isZero();
        String header = npy.substring(10, 10 + headerLength).toString(StandardCharsets.US_ASCII);
        assertThat(header).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }").endsWith("\n");
        assertThat(npy.size()).isEqualTo(10 + headerLength + 12).isEqualTo((int) NpyFloat32.encodedSize(3));
    }

    @Test
    void readsBackWhatItWrote() {
        FloatBuffer floats = NpyFloat32.floats(NpyFloat32.of(new float[] {1f, -2.5f, 3.25f}));
        assertThat(floats.remaining()).isEqualTo(3);
        assertThat(new float[] {floats.get(0), floats.get(1), floats.get(2)}).containsExactly(1f, -2.5f, 3.25f);
        assertThat(NpyFloat32.floats(NpyFloat32.filled(1000, 0.5f)).get(999)).isEqualTo(0.5f);
    }

    @Test
    void refusesBytesThatAreNotALittleEndianFloat32Tensor() {
        assertThatThrownBy(() -> NpyFloat32.floats(ByteString.copyFromUtf8("not a tensor at all")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("magic");
        ByteString doubles = ByteString.copyFrom(NpyFloat32.filled(2, 1f).toString(StandardCharsets.ISO_8859_1)
                .replace("<f4", "<f8"), StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> NpyFloat32.floats(doubles))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("float32");
    }
}
