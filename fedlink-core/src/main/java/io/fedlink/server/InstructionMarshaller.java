package io.fedlink.server;

import io.fedlink.proto.ServerMessage;
import io.fedlink.wire.EncodedStream;
import io.fedlink.wire.ModelTransfer;
import io.grpc.MethodDescriptor;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * The Join method's response marshaller: an instruction that carries a model ({@code fit_ins}, {@code evaluate_ins}
 * with at least {@link #ENCODED_ONCE_FROM} bytes of tensors) is encoded once, the first time it is written to any
 * client, and every client's stream then writes the same immutable bytes ({@link InstructionEncoding}); gRPC copies
 * them into its buffers once per client, as it must. Other instructions, and every instruction under
 * {@link ModelTransfer#COPYING}, go through protobuf's own marshaller. The bytes are the same either way.
 *
 * <p>An instruction is recognised by identity: the same {@code ServerMessage} instance sent to many clients (as the
 * fan-out does) is encoded once. The most recent {@value #REMEMBERED} encodings are remembered, weakly: a remembered
 * encoding holds only the framing, never the instruction or its model.
 */
final class InstructionMarshaller implements MethodDescriptor.Marshaller<ServerMessage> {

    /** Instructions with fewer model bytes than this are cheap to encode per client. */
    static final int ENCODED_ONCE_FROM = 64 * 1024;
    private static final int REMEMBERED = 8;

    private record Remembered(WeakReference<ServerMessage> instruction, InstructionEncoding encoding) {
    }

    private final MethodDescriptor.Marshaller<ServerMessage> generated;
    private final ModelTransfer modelTransfer;
    private final Deque<Remembered> remembered = new ArrayDeque<>();
    private long encodings;

    InstructionMarshaller(MethodDescriptor.Marshaller<ServerMessage> generated, ModelTransfer modelTransfer) {
        this.generated = generated;
        this.modelTransfer = modelTransfer;
    }

    @Override
    public InputStream stream(ServerMessage instruction) {
        if (modelTransfer == ModelTransfer.COPYING || InstructionEncoding.modelBytes(instruction) < ENCODED_ONCE_FROM) {
            return generated.stream(instruction);
        }
        InstructionEncoding encoding = encodingOf(instruction);
        return new EncodedStream(encoding.bytes(instruction));
    }

    @Override
    public ServerMessage parse(InputStream stream) {
        return generated.parse(stream);
    }

    /** How many instructions were encoded once for all their clients so far. */
    synchronized long encodings() {
        return encodings;
    }

    /** Under the lock: cheap (the framing only), and an instruction sent from many threads at once is encoded once. */
    private synchronized InstructionEncoding encodingOf(ServerMessage instruction) {
        for (Iterator<Remembered> it = remembered.iterator(); it.hasNext(); ) {
            Remembered entry = it.next();
            ServerMessage known = entry.instruction().get();
            if (known == instruction) {
                return entry.encoding();
            }
            if (known == null) {
                it.remove();
            }
        }
        InstructionEncoding encoding = InstructionEncoding.of(instruction);
        encodings++;
        remembered.addFirst(new Remembered(new WeakReference<>(instruction), encoding));
        if (remembered.size() > REMEMBERED) {
            remembered.removeLast();
        }
        return encoding;
    }
}
