package io.fedlink.metrics;

import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientManagerListener;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.ClientStream;
import io.fedlink.server.DisconnectReason;
import io.fedlink.server.InstructionListener;
import io.fedlink.coordinator.RoundListener;
import io.fedlink.coordinator.RoundRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;

/**
 * Coordinator meters, named after Micrometer's conventions so they show up in Prometheus as
 * {@code fedlink_clients_connected}, {@code fedlink_instructions_seconds_count{instruction="fit_ins",outcome="ok"}},
 * {@code fedlink_bytes_sent_bytes_total}, ...
 */
public class FedlinkMetrics implements ClientManagerListener, InstructionListener, RoundListener {

    private final MeterRegistry registry;
    private final Counter bytesSent;
    private final Counter bytesReceived;

    public FedlinkMetrics(MeterRegistry registry, ClientManager clientManager) {
        this.registry = registry;
        Gauge.builder("fedlink.clients.connected", clientManager, ClientManager::numAvailable)
                .description("Clients connected to the coordinator now").register(registry);
        this.bytesSent = Counter.builder("fedlink.bytes.sent").baseUnit("bytes")
                .description("Serialized bytes of instructions sent to clients").register(registry);
        this.bytesReceived = Counter.builder("fedlink.bytes.received").baseUnit("bytes")
                .description("Serialized bytes of replies received from clients").register(registry);
    }

    @Override
    public void registered(ClientProxy client) {
        registry.counter("fedlink.clients.registered").increment();
    }

    @Override
    public void unregistered(ClientProxy client, DisconnectReason reason) {
        registry.counter("fedlink.clients.unregistered", "reason", reason.name().toLowerCase(Locale.ROOT)).increment();
    }

    @Override
    public void roundCompleted(RoundRecord record) {
        recordRound(record, "completed");
    }

    @Override
    public void roundFailed(RoundRecord record) {
        recordRound(record, "failed");
    }

    private void recordRound(RoundRecord record, String status) {
        registry.counter("fedlink.rounds", "status", status).increment();
        Timer.builder("fedlink.round.duration").description("Duration of training rounds").tag("status", status)
                .register(registry).record(record.duration());
        DistributionSummary.builder("fedlink.round.replies").description("Fit replies per round")
                .register(registry).record(record.fitReplies());
        DistributionSummary.builder("fedlink.round.failures").description("Client failures per round")
                .register(registry).record(record.failures().size());
    }

    @Override
    public void completed(ClientStream client, String instruction, Outcome outcome, Duration duration, long sent,
                          long received) {
        Timer.builder("fedlink.instructions").description("Instructions sent to clients, by type and outcome")
                .tag("instruction", instruction).tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .register(registry).record(duration);
        bytesSent.increment(sent);
        bytesReceived.increment(received);
    }
}
