package io.fedlink.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.fedlink.proto.FlowerServiceGrpc;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.Scalar;
import io.fedlink.proto.ServerMessage;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.wire.ModelTransfer;
import io.grpc.Drainable;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An instruction that carries a model is encoded once for all its clients, and what every client's stream writes is
 * exactly what protobuf writes for the same message: a Flower client parses it the same way.
 */
class InstructionMarshallerTests {

    private static final MethodDescriptor.Marshaller<ServerMessage> GENERATED =
            FlowerServiceGrpc.getJoinMethod().getResponseMarshaller();

    private final InstructionMarshaller marshaller = new InstructionMarshaller(GENERATED, ModelTransfer.ZERO_COPY);

    @Test
    void aFitInsIsWrittenByteForByteAsProtobufWritesIt() throws IOException {
        ServerMessage fitIns = ServerMessage.newBuilder().setFitIns(ServerMessage.FitIns.newBuilder()
                .setParameters(model(3, 70_000))
                .putConfig("round", Scalar.newBuilder().setSint64(3).build())
                .putConfig("learning_rate", Scalar.newBuilder().setDouble(0.5).build())).build();

        assertThat(drained(marshaller.stream(fitIns))).isEqualTo(fitIns.toByteArray());
        assertThat(read(marshaller.stream(fitIns))).isEqualTo(fitIns.toByteArray());
        assertThat(marshaller.stream(fitIns).available()).isEqualTo(fitIns.getSerializedSize());
    }

    @Test
    void anEvaluateInsWithUnknownFieldsAtEveryLevelAndTensorsOfEverySizeIsWrittenAsProtobufWritesIt() throws IOException {
        UnknownFieldSet unknown = UnknownFieldSet.newBuilder().addField(99, UnknownFieldSet.Field.newBuilder()
                .addLengthDelimited(ByteString.copyFromUtf8("from a newer Flower")).addVarint(7).build()).build();
        Parameters parameters = Parameters.newBuilder(model(1, 200_000))
                .addTensors(ByteString.EMPTY)
                .addTensors(ByteString.copyFrom(new byte[] {1, 2, 3}))
                .addTensors(ByteString.copyFrom(new byte[300]))
                .setUnknownFields(unknown).build();
        ServerMessage evaluateIns = ServerMessage.newBuilder().setEvaluateIns(ServerMessage.EvaluateIns.newBuilder()
                .setParameters(parameters).setUnknownFields(unknown)).setUnknownFields(unknown).build();

        assertThat(drained(marshaller.stream(evaluateIns))).isEqualTo(evaluateIns.toByteArray());
        assertThat(ServerMessage.parseFrom(drained(marshaller.stream(evaluateIns)))).isEqualTo(evaluateIns);
    }

    @Test
    void theSameInstructionIsEncodedOnceHoweverManyClientsItGoesTo() throws IOException {
        ServerMessage fitIns = fitIns(model(4, 100_000));

        for (int client = 0; client < 16; client++) {
            assertThat(drained(marshaller.stream(fitIns))).isEqualTo(fitIns.toByteArray());
        }
        ServerMessage next = fitIns(model(4, 100_000));
        marshaller.stream(next).close();

        assertThat(marshaller.encodings()).as("one encoding per distinct instruction").isEqualTo(2);
    }

    @Test
    void smallInstructionsAndTheCopyingPathGoThroughProtobufsOwnMarshaller() throws IOException {
        InstructionMarshaller copying = new InstructionMarshaller(GENERATED, ModelTransfer.COPYING);
        ServerMessage large = fitIns(model(1, 100_000));
        ServerMessage small = fitIns(model(1, 1_000));

        assertThat(drained(copying.stream(large))).isEqualTo(large.toByteArray());
        assertThat(drained(marshaller.stream(small))).isEqualTo(small.toByteArray());
        assertThat(copying.encodings()).isZero();
        assertThat(marshaller.encodings()).isZero();
    }

    private static ServerMessage fitIns(Parameters parameters) {
        return ServerMessage.newBuilder().setFitIns(ServerMessage.FitIns.newBuilder().setParameters(parameters)).build();
    }

    /** {@code tensors} float32 tensors of {@code floats} random values each. */
    private static Parameters model(int tensors, int floats) {
        Random random = new Random(tensors * 31L + floats);
        NdArray[] arrays = new NdArray[tensors];
        for (int t = 0; t < tensors; t++) {
            float[] values = new float[floats + t];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextFloat();
            }
            arrays[t] = NdArray.of(values);
        }
        return ParametersCodec.encode(arrays);
    }

    private static byte[] drained(InputStream stream) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (stream instanceof Drainable drainable) {
            assertThat(drainable.drainTo(out)).isEqualTo(out.size());
        } else {
            stream.transferTo(out);
        }
        return out.toByteArray();
    }

    private static byte[] read(InputStream stream) throws IOException {
        return stream.readAllBytes();
    }
}
