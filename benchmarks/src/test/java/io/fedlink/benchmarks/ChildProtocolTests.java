package io.fedlink.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ChildProtocolTests {

    @Test
    void argumentsAreKeyValuePairsAndBareWordsMeanTrue() {
        Map<String, String> arguments = ChildProtocol.arguments(new String[] {"scale", "clients=10", "ports=1,2", "verbose"}, 1);

        assertThat(arguments).containsEntry("clients", "10").containsEntry("ports", "1,2").containsEntry("verbose", "true")
                .doesNotContainKey("scale");
    }

    @Test
    void aMissingRequiredArgumentIsNamed() {
        assertThatThrownBy(() -> ChildProtocol.required(Map.of(), "clients"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clients=");
    }
}
