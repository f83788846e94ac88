package io.fedlink.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.InvalidProtocolBufferException;
import io.fedlink.proto.ClientMessage;
import io.fedlink.wire.HandOver;
import io.fedlink.wire.InPlaceParser;
import io.fedlink.wire.ModelTransfer;
import io.fedlink.wire.ReceivedBuffers;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.util.Optional;

/**
 * The Join method's request marshaller: parses with the generated one, but bytes that are not a {@link ClientMessage}
 * become an empty {@code ClientMessage} marked with what was wrong ({@link #problem}) instead of an exception, so the
 * stream's bridge answers them (INVALID_ARGUMENT to that client, unregister) rather than gRPC ("UNKNOWN: Application
 * error processing RPC", with the servicer never told). Interceptors still see {@code ClientMessage}s. The mark is an
 * unknown field only this marshaller sets; it is stripped from messages that arrive with it.
 *
 * <p>Under {@link ModelTransfer#ZERO_COPY} a message of at least {@link InPlaceParser#WORTHWHILE_FROM} bytes is parsed in place
 * ({@link InPlaceParser}): its bytes stay in gRPC's received buffers, which the servicer takes with {@link #take} as
 * the message reaches the stream's observer, and whoever handles the message releases. Bytes that do not parse are
 * released at once.
 */
final class ClientMessageMarshaller implements MethodDescriptor.Marshaller<ClientMessage> {

    /** The highest field number protobuf allows: the mark, never a field of the wire contract. */
    private static final int PROBLEM_FIELD = 536_870_911;

    private final MethodDescriptor.Marshaller<ClientMessage> generated;
    private final boolean inPlace;
    private final HandOver<ClientMessage> handOver = new HandOver<>();

    ClientMessageMarshaller(MethodDescriptor.Marshaller<ClientMessage> generated, ModelTransfer modelTransfer) {
        this.generated = generated;
        this.inPlace = modelTransfer == ModelTransfer.ZERO_COPY;
    }

    /** The received buffers {@code message} was parsed in (now the caller's to release), or {@link ReceivedBuffers#NONE}. */
    ReceivedBuffers take(ClientMessage message) {
        return handOver.take(message);
    }

    /** Messages parsed in place whose buffers the servicer has not taken (yet). */
    int untaken() {
        return handOver.waiting();
    }

    /** What was wrong with the bytes behind {@code message}, if they did not parse. */
    static Optional<String> problem(ClientMessage message) {
        UnknownFieldSet unknown = message.getUnknownFields();
        if (!unknown.hasField(PROBLEM_FIELD)) {
            return Optional.empty();
        }
        return unknown.getField(PROBLEM_FIELD).getLengthDelimitedList().stream().findFirst().map(ByteString::toStringUtf8);
    }

    @Override
    public InputStream stream(ClientMessage value) {
        return generated.stream(value);
    }

    @Override
    public ClientMessage parse(InputStream stream) {
        int size = InPlaceParser.knownLength(stream);
        ClientMessage message;
        ReceivedBuffers buffers = ReceivedBuffers.NONE;
        try {
            if (inPlace && size >= InPlaceParser.WORTHWHILE_FROM && InPlaceParser.supports(stream)) {
                InPlaceParser.Parsed<ClientMessage> parsed = InPlaceParser.parse(stream, ClientMessage.parser());
                message = parsed.message();
                buffers = parsed.buffers();
            } else {
                message = generated.parse(stream);
            }
        } catch (InvalidProtocolBufferException | StatusRuntimeException e) {
            Throwable cause = e instanceof StatusRuntimeException && e.getCause() != null ? e.getCause() : e;
            return marked("sent " + (size >= 0 ? size + " bytes" : "bytes")
                    + " that are not a valid flwr.proto.ClientMessage (" + cause.getMessage() + ")");
        }
        if (message.getUnknownFields().hasField(PROBLEM_FIELD)) {
            message = message.toBuilder().setUnknownFields(UnknownFieldSet.newBuilder(message.getUnknownFields())
                    .clearField(PROBLEM_FIELD).build()).build();
        }
        handOver.put(message, buffers);
        return message;
    }

    private static ClientMessage marked(String problem) {
        return ClientMessage.newBuilder().setUnknownFields(UnknownFieldSet.newBuilder().addField(PROBLEM_FIELD,
                UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8(problem)).build()).build())
                .build();
    }
}
