package io.fedlink.server;

/** Why a client's stream ended. */
public enum DisconnectReason {
    /** The client half-closed its stream normally. */
    CLIENT_COMPLETED,
    /** The client cancelled the call or the connection was lost (including a keepalive failure). */
    CANCELLED,
    /** The transport reported an error for the stream. */
    TRANSPORT_ERROR,
    /** The client acknowledged (or hung up after) a {@code ReconnectIns}. */
    RECONNECT,
    /**
     * The client missed a reply deadline under {@link TimeoutPolicy#DROP}, or its late reply under
     * {@link TimeoutPolicy#KEEP}, or did not take its instruction from the network within the reply timeout.
     */
    REPLY_TIMEOUT,
    /** The client broke the stream rules (a reply with no instruction outstanding, bytes that are not a message). */
    PROTOCOL_ERROR,
    /** Writing an instruction to the client's stream failed (the coordinator ran out of direct memory, say). */
    SEND_FAILED,
    /** The coordinator refused the client (for example: too many clients connected). */
    REJECTED,
    /** The coordinator closed the stream (application shutdown or an explicit close). */
    SERVER_CLOSED
}
