package io.fedlink.server;

/** The client answered with a reply of the wrong case (for example {@code evaluate_res} to a {@code fit_ins}). */
public class UnexpectedReplyException extends ClientException {

    public UnexpectedReplyException(String clientId, String message) {
        super(clientId, message);
    }
}
