package io.fedlink.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedlink.test.TestCoordinator;
import io.fedlink.test.TestResources;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The plain-Java client's channel: transport options where they apply, and runners that stop with it. */
class CoordinatorChannelTests {

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void closingTheChannelStopsTheRunnersMadeFromIt() throws Exception {
        TestCoordinator coordinator = resources.register(TestCoordinator.tcp().start());
        CoordinatorChannel channel = CoordinatorChannel.forTarget(coordinator.target()).usePlaintext().build();
        ClientRunner runner = channel.runner(new FederatedClient() { });
        runner.start();
        coordinator.nextClient();

        channel.close();

        assertThat(runner.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(channel.channel().isShutdown()).isTrue();
        assertThat(coordinator.nextUnregistration()).isNotNull();
    }

    @Test
    void transportOptionsOfAChannelGivenReadyMadeAreRefusedNamingTheOption() {
        TestCoordinator coordinator = resources.register(TestCoordinator.inProcess().start());
        CoordinatorChannel.Builder builder = CoordinatorChannel.forChannel(coordinator.newChannel(), coordinator.target());

        assertThatThrownBy(builder::usePlaintext).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("usePlaintext()").hasMessageContaining("ready-made");
    }

    @Test
    void certificatesThatCannotBeTrustedAreRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        File notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate").toFile();

        assertThatThrownBy(() -> CoordinatorChannel.forTarget("127.0.0.1:1").trustCertificates(notPem))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(notPem.toString());
    }
}
