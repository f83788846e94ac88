package io.fedlink.wire;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.Status;

/** Reads the in-band {@link Status} a client put in its reply (apart from transport failures). */
public final class InBandStatus {

    private InBandStatus() {
    }

    /** The reply's in-band status; replies without one (disconnect_res) count as OK. */
    public static Status of(ClientMessage reply) {
        return switch (reply.getMsgCase()) {
            case FIT_RES -> reply.getFitRes().getStatus();
            case EVALUATE_RES -> reply.getEvaluateRes().getStatus();
            case GET_PARAMETERS_RES -> reply.getGetParametersRes().getStatus();
            case GET_PROPERTIES_RES -> reply.getGetPropertiesRes().getStatus();
            default -> Status.getDefaultInstance();
        };
    }

    /** Whether the reply's in-band status is OK. */
    public static boolean isOk(ClientMessage reply) {
        return of(reply).getCode() == Code.OK;
    }
}
