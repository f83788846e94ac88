package io.fedlink.e2e;

import com.jayway.jsonpath.JsonPath;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

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
    long awaitClients(String what, Duration bound, Predicate<List<String>> condition) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        List<String> last = null;
        Exception lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                last = clientIds();
                long seen = System.nanoTime();
                if (condition.test(last)) {
                    return seen;
                }
            } catch (IOException e) {
                lastError = e;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("Timed out after " + bound + " waiting until " + what + "; clients now " + last
                + (lastError == null ? "" : "; last error " + lastError));
    }
}
