package io.fedlink.server;

/**
 * A client's reply was received but cannot be used, for example a model update whose tensors do not match
 * the global model's shapes or dtypes, or a non-positive {@code num_examples}. The other clients' replies
 * are unaffected.
 */
public class ClientUpdateRejectedException extends ClientException {

    public ClientUpdateRejectedException(String clientId, String message) {
        super(clientId, message);
    }

    public ClientUpdateRejectedException(String clientId, String message, Throwable cause) {
        super(clientId, message, cause);
    }
}
