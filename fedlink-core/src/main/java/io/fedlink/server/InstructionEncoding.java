package io.fedlink.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * The protobuf encoding of a {@code fit_ins} or {@code evaluate_ins} around its model's tensors, worked out once per
 * instruction: a tensor is already encoded (its {@code .npy} bytes, in an immutable {@code ByteString}), so only the
 * framing around the tensors is computed, and the tensors are written as they are to every client. The bytes are
 * exactly those protobuf writes for the same message (fields in field-number order, unknown fields last).
 *
 * <p>Holds only the framing, never the tensors: {@link #bytes} takes them from the instruction it is given, so a
 * cached encoding keeps no model alive.
 */
final class InstructionEncoding {

    private final ServerMessage.MsgCase kind;
    private final int tensors;
    private final ByteString head;
    private final ByteString[] tensorPrefixes;
    private final ByteString tail;
    private final int size;

    private InstructionEncoding(ServerMessage.MsgCase kind, int tensors, ByteString head, ByteString[] tensorPrefixes,
                                ByteString tail, int size) {
        this.kind = kind;
        this.tensors = tensors;
        this.head = head;
        this.tensorPrefixes = tensorPrefixes;
        this.tail = tail;
        this.size = size;
    }

    /** The bytes of the model's tensors in {@code instruction}, or 0 if it carries no model. */
    static long modelBytes(ServerMessage instruction) {
        Parameters parameters = parametersOf(instruction);
        if (parameters == null) {
            return 0;
        }
        long total = 0;
        for (int t = 0; t < parameters.getTensorsCount(); t++) {
            total += parameters.getTensors(t).size();
        }
        return total;
    }

    /**
     * The encoding of {@code instruction}, a {@code fit_ins} or {@code evaluate_ins} with parameters.
     *
     * @throws IllegalArgumentException if the instruction carries no parameters
     */
    static InstructionEncoding of(ServerMessage instruction) {
        Parameters parameters = parametersOf(instruction);
        if (parameters == null) {
            throw new IllegalArgumentException("only a fit_ins or evaluate_ins with parameters is encoded around its tensors");
        }
        ServerMessage.MsgCase kind = instruction.getMsgCase();
        int tensorCount = parameters.getTensorsCount();
        ByteString[] prefixes = new ByteString[tensorCount];
        long parametersSize = 0;
        for (int t = 0; t < tensorCount; t++) {
            int tensorSize = parameters.getTensors(t).size();
            prefixes[t] = lengthDelimitedPrefix(1, tensorSize);
            parametersSize += prefixes[t].size() + (long) tensorSize;
        }
        // What protobuf writes after the tensors, after the parameters and after the instruction: the same fields
        // serialised without the ones written before them.
        ByteString parametersRest = parameters.toBuilder().clearTensors().build().toByteString();
        ByteString instructionRest = switch (kind) {
            case FIT_INS -> instruction.getFitIns().toBuilder().clearParameters().build().toByteString();
            case EVALUATE_INS -> instruction.getEvaluateIns().toBuilder().clearParameters().build().toByteString();
            default -> throw new IllegalStateException("unreachable: " + kind);
        };
        ByteString messageRest = instruction.getUnknownFields().toByteString();
        parametersSize += parametersRest.size();
        long instructionSize = lengthDelimitedSize(1, parametersSize) + instructionRest.size();
        long total = lengthDelimitedSize(kind.getNumber(), instructionSize) + messageRest.size();
        if (parametersSize > Integer.MAX_VALUE || instructionSize > Integer.MAX_VALUE || total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(kind + " of " + total + " bytes is larger than one protobuf message can be");
        }
        ByteString head = lengthDelimitedPrefix(kind.getNumber(), (int) instructionSize)
                .concat(lengthDelimitedPrefix(1, (int) parametersSize));
        ByteString tail = parametersRest.concat(instructionRest).concat(messageRest);
        return new InstructionEncoding(kind, tensorCount, head, prefixes, tail, (int) total);
    }

    /** The encoded size in bytes. */
    int size() {
        return size;
    }

    /**
     * The encoded bytes of {@code instruction}, which must be the instruction this encoding was made of: the framing
     * and the instruction's own tensor bytes, joined without copying them.
     */
    ByteString bytes(ServerMessage instruction) {
        Parameters parameters = parametersOf(instruction);
        if (instruction.getMsgCase() != kind || parameters == null || parameters.getTensorsCount() != tensors) {
            throw new IllegalArgumentException("this encoding is of another instruction");
        }
        List<ByteString> pieces = new ArrayList<>(2 * tensors + 2);
        pieces.add(head);
        for (int t = 0; t < tensors; t++) {
            pieces.add(tensorPrefixes[t]);
            pieces.add(parameters.getTensors(t));
        }
        pieces.add(tail);
        return ByteString.copyFrom(pieces); // joins into a rope; only pieces under 128 bytes together are copied
    }

    private static Parameters parametersOf(ServerMessage instruction) {
        return switch (instruction.getMsgCase()) {
            case FIT_INS -> instruction.getFitIns().hasParameters() ? instruction.getFitIns().getParameters() : null;
            case EVALUATE_INS -> instruction.getEvaluateIns().hasParameters()
                    ? instruction.getEvaluateIns().getParameters() : null;
            default -> null;
        };
    }

    /** Bytes of a length-delimited field: tag, length, content. */
    private static long lengthDelimitedSize(int field, long contentSize) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt64SizeNoTag(contentSize) + contentSize;
    }

    /** The tag and length that start a length-delimited field of {@code contentSize} bytes. */
    private static ByteString lengthDelimitedPrefix(int field, int contentSize) {
        byte[] prefix = new byte[CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(contentSize)];
        CodedOutputStream out = CodedOutputStream.newInstance(prefix);
        try {
            out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(contentSize);
            out.checkNoSpaceLeft();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a field prefix did not fit the bytes computed for it", e);
        }
        return com.google.protobuf.UnsafeByteOperations.unsafeWrap(prefix);
    }
}
