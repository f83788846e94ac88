package io.fedlink.server;

import io.fedlink.proto.ClientMessage;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;

/**
 * One message as it came off a Join stream: the parsed {@link ClientMessage}, or, if the bytes are not one, what
 * was wrong with them. Lets the servicer answer malformed input itself, per stream.
 *
 * @param message the parsed message, or {@code null} if the bytes did not parse
 * @param problem what was wrong with the bytes (for the client and the log), or {@code null} if they parsed
 */
record InboundMessage(ClientMessage message, String problem) {

    /** Parses with the generated marshaller and turns a parse failure into an {@link InboundMessage} with a problem. */
    static final class Marshaller implements MethodDescriptor.Marshaller<InboundMessage> {

        private final MethodDescriptor.Marshaller<ClientMessage> delegate;

        Marshaller(MethodDescriptor.Marshaller<ClientMessage> delegate) {
            this.delegate = delegate;
        }

        @Override
        public InputStream stream(InboundMessage value) {
            return delegate.stream(value.message());
        }

        @Override
        public InboundMessage parse(InputStream stream) {
            int size = available(stream);
            try {
                return new InboundMessage(delegate.parse(stream), null);
            } catch (StatusRuntimeException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                return new InboundMessage(null, "sent " + (size >= 0 ? size + " bytes" : "bytes")
                        + " that are not a valid flwr.proto.ClientMessage (" + cause.getMessage() + ")");
            }
        }

        private static int available(InputStream stream) {
            try {
                return stream.available(); // gRPC's message streams know their length
            } catch (IOException e) {
                return -1;
            }
        }
    }
}
