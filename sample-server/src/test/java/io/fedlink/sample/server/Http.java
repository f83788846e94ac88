package io.fedlink.sample.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Bounded GETs against the running sample server, on 127.0.0.1 (where application.yml binds it). */
final class Http {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(BOUND).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Http() {
    }

    /** The body of {@code GET http://127.0.0.1:port/path}, which must answer 200. */
    static String get(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(BOUND).build();
        HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s answered %s", path, response.body()).isEqualTo(200);
        return response.body();
    }

    /** As {@link #get}, parsed as JSON. */
    static JsonNode json(int port, String path) throws IOException, InterruptedException {
        return JSON.readTree(get(port, path));
    }
}
