package io.fedlink.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedlink.client.Connection;
import io.fedlink.client.ConnectionClosedException;
import io.fedlink.client.ConnectionTemplate;
import io.fedlink.server.ClientManager;
import io.fedlink.test.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.devh.boot.grpc.server.event.GrpcServerStartedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/** TLS and mutual TLS between a coordinator app and client apps, configured only with the gRPC starters' keys. */
class FedlinkTlsTests {

    @SpringBootApplication
    static class App {
    }

    @TempDir
    static Path dir;
    static Path serverKeys;
    static Path serverTrust;
    static Path clientKeys;
    static Path clientTrust;
    static Path strangerKeys;

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    @BeforeAll
    static void makeCertificates() throws Exception {
        serverKeys = TestCertificates.keyStore(dir, "server");
        serverTrust = TestCertificates.trustStore(serverKeys, "server");
        clientKeys = TestCertificates.keyStore(dir, "client");
        clientTrust = TestCertificates.trustStore(clientKeys, "client");
        strangerKeys = TestCertificates.keyStore(dir, "stranger");
    }

    @AfterEach
    void stop() {
        contexts.forEach(ConfigurableApplicationContext::close);
    }

    private ConfigurableApplicationContext start(List<String> properties, AtomicInteger port) {
        SpringApplicationBuilder builder = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                .properties(properties.toArray(String[]::new));
        if (port != null) {
            builder.listeners((ApplicationListener<GrpcServerStartedEvent>) event -> port.set(event.getPort()));
        }
        ConfigurableApplicationContext context = builder.run();
        contexts.add(context);
        return context;
    }

    private int startCoordinator(boolean mutual) {
        List<String> properties = new ArrayList<>(List.of("grpc.server.port=0", "grpc.server.address=127.0.0.1",
                "grpc.server.security.enabled=true",
                "grpc.server.security.key-store=file:" + serverKeys, "grpc.server.security.key-store-format=PKCS12",
                "grpc.server.security.key-store-password=" + TestCertificates.PASSWORD));
        if (mutual) {
            properties.addAll(List.of("grpc.server.security.client-auth=REQUIRE",
                    "grpc.server.security.trust-store=file:" + clientTrust,
                    "grpc.server.security.trust-store-format=PKCS12",
                    "grpc.server.security.trust-store-password=" + TestCertificates.PASSWORD));
        }
        AtomicInteger port = new AtomicInteger();
        ClientManager manager = start(properties, port).getBean(ClientManager.class);
        this.manager = manager;
        return port.get();
    }

    private ClientManager manager;

    private Connection connect(int port, String... security) {
        List<String> properties = new ArrayList<>(List.of("grpc.client.fedlink.address=static://127.0.0.1:" + port));
        properties.addAll(List.of(security));
        return start(properties, null).getBean(ConnectionTemplate.class).connect();
    }

    private static String[] trustingServer() {
        return new String[] {"grpc.client.fedlink.negotiation-type=TLS",
                "grpc.client.fedlink.security.trust-store=file:" + serverTrust,
                "grpc.client.fedlink.security.trust-store-format=PKCS12",
                "grpc.client.fedlink.security.trust-store-password=" + TestCertificates.PASSWORD,
                "grpc.client.fedlink.security.authority-override=localhost"};
    }

    private static String[] withClientCertificate(Path keys) {
        List<String> properties = new ArrayList<>(List.of(trustingServer()));
        properties.addAll(List.of("grpc.client.fedlink.security.client-auth-enabled=true",
                "grpc.client.fedlink.security.key-store=file:" + keys,
                "grpc.client.fedlink.security.key-store-format=PKCS12",
                "grpc.client.fedlink.security.key-store-password=" + TestCertificates.PASSWORD));
        return properties.toArray(String[]::new);
    }

    @Test
    void aClientTrustingTheCoordinatorsCertificateJoinsOverTls() {
        int port = startCoordinator(false);
        try (Connection connection = connect(port, trustingServer())) {
            assertThat(manager.getClients(1, Duration.ofSeconds(20))).hasSize(1);
        }
    }

    @Test
    void aPlaintextClientIsNotRegisteredByATlsCoordinator() throws Exception {
        int port = startCoordinator(false);
        try (Connection connection = connect(port, "grpc.client.fedlink.negotiation-type=plaintext")) {
            assertThatThrownBy(connection::consume).isInstanceOf(ConnectionClosedException.class)
                    .hasMessageContaining("set grpc.client.fedlink.negotiation-type to TLS");
            assertThat(manager.waitFor(1, Duration.ofMillis(500))).isFalse();
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCoordinatorRefusesTheHandshake() throws Exception {
        int port = startCoordinator(false);
        try (Connection connection = connect(port, "grpc.client.fedlink.negotiation-type=TLS")) {
            assertThatThrownBy(connection::consume).isInstanceOf(ConnectionClosedException.class)
                    .hasMessageContaining("UNAVAILABLE")
                    .hasMessageContaining("The TLS handshake with the coordinator failed")
                    .hasMessageContaining("grpc.client.fedlink.security.trust-store");
            assertThat(manager.waitFor(1, Duration.ofMillis(500))).isFalse();
        }
    }

    @Test
    void withMutualTlsAClientWithATrustedCertificateJoins() {
        int port = startCoordinator(true);
        try (Connection connection = connect(port, withClientCertificate(clientKeys))) {
            assertThat(manager.getClients(1, Duration.ofSeconds(20))).hasSize(1);
        }
    }

    @Test
    void withMutualTlsAClientWithAnUntrustedCertificateIsRefused() throws Exception {
        int port = startCoordinator(true);
        try (Connection connection = connect(port, withClientCertificate(strangerKeys))) {
            assertThatThrownBy(connection::consume).isInstanceOf(ConnectionClosedException.class);
            assertThat(manager.waitFor(1, Duration.ofMillis(500))).isFalse();
        }
    }

    @Test
    void withMutualTlsAClientWithoutACertificateIsRefused() throws Exception {
        int port = startCoordinator(true);
        try (Connection connection = connect(port, trustingServer())) {
            assertThatThrownBy(connection::consume).isInstanceOf(ConnectionClosedException.class);
            assertThat(manager.waitFor(1, Duration.ofMillis(500))).isFalse();
        }
    }
}
