package io.fedlink.actuate;

import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientProxy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/** {@code /actuator/fedlink}: the connected clients and the round history. */
@Endpoint(id = "fedlink")
public class FedlinkEndpoint {

    private final ClientManager clientManager;
    private final Supplier<List<?>> roundHistory;

    /**
     * @param roundHistory the completed rounds, newest last (an empty list when no round loop runs)
     */
    public FedlinkEndpoint(ClientManager clientManager, Supplier<List<?>> roundHistory) {
        this.clientManager = clientManager;
        this.roundHistory = roundHistory;
    }

    @ReadOperation
    public Map<String, Object> fedlink() {
        Map<String, Object> body = new LinkedHashMap<>();
        List<ClientProxy> clients = clientManager.all();
        body.put("connectedClients", clients.size());
        body.put("clients", clients.stream().map(FedlinkEndpoint::describe).toList());
        body.put("rounds", roundHistory.get());
        return body;
    }

    /** One client as the endpoint shows it. */
    public record ClientDescriptor(String id, String peer, Instant connectedSince, String identity,
                                   String instructionInFlight) {
    }

    private static ClientDescriptor describe(ClientProxy client) {
        return new ClientDescriptor(client.id(), client.peer(), client.connectedAt(), client.identity().orElse(null),
                client.stream().instructionInFlight().orElse(null));
    }
}
