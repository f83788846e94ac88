package io.fedlink.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedlink.MessageTooLargeException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;

/** The start-up failure reports a user reads for the likely mistakes. */
@ExtendWith(OutputCaptureExtension.class)
class FailureAnalyzersTests {

    @SpringBootApplication
    static class App {
    }

    @SpringBootApplication
    static class OversizedModelApp {
        @Bean
        ApplicationRunner sendsTooMuch() {
            return args -> {
                throw new MessageTooLargeException("Did not send fit_ins of 900 bytes to client c1: the client accepts"
                        + " at most 100 bytes; raise fedlink.client.max-message-size on the client", 900, 100);
            };
        }
    }

    @Test
    void whenTheGrpcPortIsInUseThenTheReportNamesThePortAndTheProperty(CapturedOutput output) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                    .properties("grpc.server.port=" + port, "grpc.server.address=127.0.0.1").run())
                    .isInstanceOf(org.springframework.context.ApplicationContextException.class);
            assertThat(output).contains("APPLICATION FAILED TO START")
                    .contains("could not listen on 127.0.0.1:" + port).contains("set grpc.server.port");
        }
    }

    @Test
    void whenAModelDoesNotFitTheMessageSizeThenTheReportSaysWhichLimitToRaise(CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(OversizedModelApp.class).web(WebApplicationType.NONE)
                .properties("fedlink.server.enabled=false", "grpc.server.port=-1").run())
                .isInstanceOf(MessageTooLargeException.class);
        assertThat(output).contains("APPLICATION FAILED TO START").contains("Raise the receiver's limit above 900 bytes")
                .contains("fedlink.client.max-message-size");
    }
}
