package io.fedlink.autoconfigure;

import io.fedlink.FedlinkException;

/** The application has a {@code FederatedClient} to run but no coordinator address to run it against. */
public class ClientTargetNotConfiguredException extends FedlinkException {

    public ClientTargetNotConfiguredException(String clientBean) {
        super("The FederatedClient " + clientBean + " has no coordinator to connect to: grpc.client.fedlink.address is not set");
    }
}
