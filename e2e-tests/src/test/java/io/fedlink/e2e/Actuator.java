package io.fedlink.e2e;

import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/** Reads a coordinator's actuator endpoints over HTTP on 127.0.0.1; every request is bounded (5 s). */
final class Actuator {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final int port;

    Actuator(int port) {
        this.port = port;
    }

    int port() {
        return port;
    }

    /** The body of {@code GET /actuator/<path>}; fails on a non-200 answer. */
    String get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/" + path))
                .timeout(Duration.ofSeconds(5)).GET().build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /actuator/" + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** The ids of the connected clients, in registration order ({@code /actuator/fedlink}). */
    List<String> clientIds() throws IOException, InterruptedException {
        return JsonPath.read(get("fedlink"), "$.clients[*].id");
    }

    /** The connected clients as the endpoint shows them: id, peer, connectedSince, instructionInFlight. */
    List<Map<String, Object>> clients() throws IOException, InterruptedException {
        return JsonPath.read(get("fedlink"), "$.clients");
    }

    /** Heap in use now, in bytes ({@code /actuator/metrics/jvm.memory.used?tag=area:heap}). */
    long heapUsed() throws IOException, InterruptedException {
        Number value = JsonPath.read(get("metrics/jvm.memory.used?tag=area:heap"), "$.measurements[0].value");
        return value.longValue();
    }

    /**
     * Polls {@code /actuator/fedlink} every 20 ms until the client ids satisfy {@code condition}.
     *
     * @return the nanoTime of the first poll that saw the condition hold
     */
    long awaitClients(String what, Duration bound, Predicate<List<String>> condition) {
        AtomicReference<Object> last = new AtomicReference<>("no answer");
        AtomicLong seen = new AtomicLong();
        try {
            await(what).atMost(bound).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20)).until(() -> {
                try {
                    List<String> ids = clientIds();
                    seen.set(System.nanoTime());
                    last.set(ids);
                    return condition.test(ids);
                } catch (IOException e) {
                    last.set(e);
                    return false;
                }
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Timed out after " + bound + " waiting until " + what + "; last answer " + last.get(), e);
        }
        return seen.get();
    }

    /**
     * Waits until {@code connected} clients are connected and exactly one matches, the same one on two reads 300 ms
     * apart (so a fan-out caught half-way through sending cannot pass for it); returns its id.
     */
    String awaitOnlyClient(int connected, String what, Duration bound, Predicate<Map<String, Object>> match) {
        AtomicReference<String> candidate = new AtomicReference<>();
        AtomicReference<List<Map<String, Object>>> seen = new AtomicReference<>(List.of());
        try {
            return await(what).atMost(bound).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(300)).until(() -> {
                seen.set(clients());
                List<Map<String, Object>> now = seen.get();
                List<String> ids = now.stream().filter(match).map(client -> (String) client.get("id")).toList();
                String only = now.size() == connected && ids.size() == 1 ? ids.get(0) : null;
                return only != null && only.equals(candidate.getAndSet(only)) ? only : null;
            }, java.util.Objects::nonNull);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Timed out waiting until " + what + "; clients " + seen.get(), e);
        }
    }
}
