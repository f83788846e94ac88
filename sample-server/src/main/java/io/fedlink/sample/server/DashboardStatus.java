package io.fedlink.sample.server;

import java.time.Instant;
import java.util.List;

/**
 * What the dashboard page shows, as {@code GET /api/status} returns it. Numbers that do not exist yet (a loss
 * before any evaluation) are {@code null}, never NaN, so the JSON stays valid.
 *
 * @param state            {@code waiting for quorum}, {@code training}, {@code finished} or {@code failed}
 * @param minClients       clients a round waits for ({@code fedlink.server.quorum.min-clients})
 * @param rounds           rounds the training plays ({@code fedlink.server.training.rounds})
 * @param connectedClients how many clients are connected now
 * @param clients          the connected clients, in the order they connected
 * @param current          the round in progress, or {@code null} between rounds
 * @param history          the rounds that ended, oldest first
 */
public record DashboardStatus(String state, int minClients, int rounds, int connectedClients, List<Client> clients,
                              Current current, List<Round> history) {

    /** One connected client; {@code instructionInFlight} is {@code fit_ins}, {@code evaluate_ins}, ... or null. */
    public record Client(String id, String peer, Instant connectedSince, String instructionInFlight) {
    }

    /** The round in progress: stragglers are the clients asked that have neither answered nor failed yet. */
    public record Current(int round, int clientsAsked, int fitReplies, int fitFailures, int stragglers) {
    }

    /** One round that ended. */
    public record Round(int round, String status, int clientsAsked, int fitReplies, int failures, Double loss,
                        Double accuracy, double seconds) {
    }
}
