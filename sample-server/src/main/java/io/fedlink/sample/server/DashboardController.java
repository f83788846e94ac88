package io.fedlink.sample.server;

import io.fedlink.autoconfigure.FedlinkServerProperties;
import io.fedlink.coordinator.RoundRecord;
import io.fedlink.coordinator.TrainingProgress;
import io.fedlink.coordinator.TrainingRun;
import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientProxy;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Serves the dashboard's data; the page itself is {@code static/index.html}, polling this every second. */
@RestController
class DashboardController {

    private final ClientManager clientManager;
    private final TrainingProgress progress;
    private final FedlinkServerProperties properties;
    private final ObjectProvider<TrainingRun> run;

    DashboardController(ClientManager clientManager, TrainingProgress progress, FedlinkServerProperties properties,
                        ObjectProvider<TrainingRun> run) {
        this.clientManager = clientManager;
        this.progress = progress;
        this.properties = properties;
        this.run = run;
    }

    @GetMapping("/api/status")
    DashboardStatus status() {
        var clients = clientManager.all().stream().map(DashboardController::client).toList();
        var current = progress.current().map(round -> new DashboardStatus.Current(round.round(), round.clientsAsked(),
                round.fitReplies(), round.fitFailures(), round.stragglers())).orElse(null);
        var history = progress.rounds().stream().map(DashboardController::round).toList();
        int minClients = properties.getQuorum().getMinClients();
        return new DashboardStatus(state(current, clients.size(), minClients), minClients,
                properties.getTraining().getRounds(), clients.size(), clients, current, history);
    }

    private String state(DashboardStatus.Current current, int connected, int minClients) {
        TrainingRun.Phase phase = run.getIfAvailable() == null ? TrainingRun.Phase.RUNNING : run.getObject().phase();
        return switch (phase) {
            case FINISHED, FINISHED_WITH_FAILED_ROUNDS -> "finished";
            case FAILED -> "failed";
            case NOT_STARTED, RUNNING -> current == null && connected < minClients ? "waiting for quorum" : "training";
        };
    }

    private static DashboardStatus.Client client(ClientProxy client) {
        return new DashboardStatus.Client(client.id(), client.peer(), client.connectedAt(),
                client.stream().instructionInFlight().orElse(null));
    }

    private static DashboardStatus.Round round(RoundRecord record) {
        Double accuracy = record.metrics().get("accuracy");
        return new DashboardStatus.Round(record.round(), record.status().name().toLowerCase(java.util.Locale.ROOT),
                record.clientsAsked(), record.fitReplies(), record.failures().size(), finite(record.loss()),
                accuracy == null ? null : finite(accuracy), record.duration().toMillis() / 1000.0);
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
