package io.fedlink.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.fedlink.proto.Parameters;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParametersCodecTests {

    private final List<NdArray> model = List.of(
            NdArray.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3),
            NdArray.scalar(0.5),
            NdArray.of(new long[0]));

    @Test
    void encodesOneNpyTensorPerArrayWithFlowersTensorType() {
        Parameters parameters = ParametersCodec.encode(model);

        assertThat(parameters.getTensorType()).isEqualTo("numpy.ndarray");
        assertThat(parameters.getTensorsCount()).isEqualTo(3);
        assertThat(parameters.getTensors(0).toByteArray()).isEqualTo(Npy.write(model.get(0)));
    }

    @Test
    void decodesWhatItEncodesThroughTheWireFormat() throws Exception {
        Parameters overTheWire = Parameters.parseFrom(ParametersCodec.encode(model).toByteArray());

        assertThat(ParametersCodec.decode(overTheWire)).isEqualTo(model);
    }

    @Test
    void namesTheTensorThatIsNotAnNpyArray() {
        Parameters parameters = ParametersCodec.encode(model).toBuilder()
                .setTensors(1, ByteString.copyFromUtf8("not numpy")).build();

        assertThatThrownBy(() -> ParametersCodec.decode(parameters)).isInstanceOf(NpyFormatException.class)
                .hasMessageStartingWith("Tensor 1 of 3: Not a .npy array");
    }

    @Test
    void refusesOtherTensorTypesButReadsAnEmptyOneAsNumpy() {
        Parameters pickled = ParametersCodec.encode(model).toBuilder().setTensorType("torch.pickle").build();
        assertThatThrownBy(() -> ParametersCodec.decode(pickled)).isInstanceOf(NpyFormatException.class)
                .hasMessageContaining("'torch.pickle'").hasMessageContaining("numpy.ndarray");

        Parameters untyped = ParametersCodec.encode(model).toBuilder().clearTensorType().build();
        assertThat(ParametersCodec.decode(untyped)).isEqualTo(model);
    }

    @Test
    void encodesAnEmptyModel() {
        assertThat(ParametersCodec.decode(ParametersCodec.encode(List.of()))).isEmpty();
    }
}
