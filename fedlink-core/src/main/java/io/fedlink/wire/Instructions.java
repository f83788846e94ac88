package io.fedlink.wire;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import java.util.Locale;

/** The pairing of instruction and reply cases on the grpc-bidi wire, and their wire names. */
public final class Instructions {

    private Instructions() {
    }

    /** The reply case that answers an instruction case ({@code fit_ins -> fit_res}, ...). */
    public static ClientMessage.MsgCase expectedReply(ServerMessage.MsgCase instruction) {
        return switch (instruction) {
            case RECONNECT_INS -> ClientMessage.MsgCase.DISCONNECT_RES;
            case GET_PROPERTIES_INS -> ClientMessage.MsgCase.GET_PROPERTIES_RES;
            case GET_PARAMETERS_INS -> ClientMessage.MsgCase.GET_PARAMETERS_RES;
            case FIT_INS -> ClientMessage.MsgCase.FIT_RES;
            case EVALUATE_INS -> ClientMessage.MsgCase.EVALUATE_RES;
            case MSG_NOT_SET -> throw new IllegalArgumentException("a ServerMessage with no instruction set cannot be sent");
        };
    }

    /** Wire name of an instruction case, as in the .proto ({@code fit_ins}). */
    public static String name(ServerMessage.MsgCase instruction) {
        return instruction == ServerMessage.MsgCase.MSG_NOT_SET ? "an empty message" : instruction.name().toLowerCase(Locale.ROOT);
    }

    /** Wire name of a reply case, as in the .proto ({@code fit_res}). */
    public static String name(ClientMessage.MsgCase reply) {
        return reply == ClientMessage.MsgCase.MSG_NOT_SET ? "an empty message" : reply.name().toLowerCase(Locale.ROOT);
    }
}
