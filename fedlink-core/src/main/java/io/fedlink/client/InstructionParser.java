package io.fedlink.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.FlowerServiceGrpc;
import io.fedlink.proto.ServerMessage;
import io.fedlink.wire.InPlaceParser;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.InputStream;

/**
 * The client's parser of received instructions. An instruction of at least {@link InPlaceParser#WORTHWHILE_FROM} bytes (a
 * {@code fit_ins} or {@code evaluate_ins} with its model) is read in place from gRPC's received buffers
 * ({@link InPlaceParser}) and copied onto the heap once ({@link InPlaceParser#copyOnHeap}); the buffers go back to the
 * transport before the instruction leaves the parser. protobuf's own parse of a received stream copies a model twice
 * (into its read chunks, then into each tensor's array) and leaves the chunks as garbage.
 *
 * <p>The instruction owns its bytes either way, so whoever consumes it (a {@link FederatedClient}, a caller of
 * {@link Connection#consume()}, a relay) may keep it as long as it likes. Bytes that are not an instruction fail the
 * stream as the generated parser fails it ({@code INTERNAL}, "Invalid protobuf byte sequence").
 */
final class InstructionParser implements MethodDescriptor.Marshaller<ServerMessage> {

    /** The Join method with this parser for the coordinator's messages. */
    static final MethodDescriptor<ClientMessage, ServerMessage> JOIN = FlowerServiceGrpc.getJoinMethod().toBuilder(
            FlowerServiceGrpc.getJoinMethod().getRequestMarshaller(),
            new InstructionParser(FlowerServiceGrpc.getJoinMethod().getResponseMarshaller())).build();

    private final MethodDescriptor.Marshaller<ServerMessage> generated;

    InstructionParser(MethodDescriptor.Marshaller<ServerMessage> generated) {
        this.generated = generated;
    }

    @Override
    public InputStream stream(ServerMessage instruction) {
        return generated.stream(instruction);
    }

    @Override
    public ServerMessage parse(InputStream stream) {
        if (InPlaceParser.knownLength(stream) < InPlaceParser.WORTHWHILE_FROM || !InPlaceParser.supports(stream)) {
            return generated.parse(stream);
        }
        InPlaceParser.Parsed<ServerMessage> parsed;
        try {
            parsed = InPlaceParser.parse(stream, ServerMessage.parser());
        } catch (InvalidProtocolBufferException e) {
            throw Status.INTERNAL.withDescription("Invalid protobuf byte sequence").withCause(e).asRuntimeException();
        }
        try {
            return parsed.buffers().holdsAny() ? InPlaceParser.copyOnHeap(parsed.message()) : parsed.message();
        } finally {
            parsed.buffers().release();
        }
    }
}
