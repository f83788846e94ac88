package io.fedlink.coordinator;

import io.fedlink.proto.Code;
import io.fedlink.server.ClientException;

/** The client replied, but its in-band {@code Status} was not {@code OK} (for example {@code FIT_NOT_IMPLEMENTED}). */
public class ClientStatusException extends ClientException {

    private final Code code;

    public ClientStatusException(String clientId, Code code, String message) {
        super(clientId, message);
        this.code = code;
    }

    /** The status code the client sent. */
    public Code code() {
        return code;
    }
}
