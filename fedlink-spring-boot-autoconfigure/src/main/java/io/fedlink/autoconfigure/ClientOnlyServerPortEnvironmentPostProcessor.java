package io.fedlink.autoconfigure;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The gRPC server starter opens port 9090 in every application that has it. In an application that is not a
 * fedlink coordinator this sets {@code grpc.server.port=-1} (no server) as a lowest-precedence default, unless the
 * application chose a port or an in-process server itself.
 */
public class ClientOnlyServerPortEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String SOURCE_NAME = "fedlinkClientOnlyDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (FedlinkServerMode.isEnabled(environment)
                || environment.containsProperty("grpc.server.port")
                || environment.containsProperty("grpc.server.in-process-name")) {
            return;
        }
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, Map.of("grpc.server.port", "-1")));
    }
}
