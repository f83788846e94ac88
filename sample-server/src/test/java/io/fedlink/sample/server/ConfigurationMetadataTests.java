package io.fedlink.sample.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedlink.autoconfigure.FedlinkClientProperties;
import io.fedlink.autoconfigure.FedlinkRelayProperties;
import io.fedlink.autoconfigure.FedlinkServerProperties;
import io.fedlink.autoconfigure.FedlinkStrategyProperties;
import java.beans.PropertyDescriptor;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.convert.ConversionService;

/**
 * The configuration metadata fedlink ships (META-INF/spring-configuration-metadata.json, generated from the
 * properties classes' Javadoc and field initialisers) is what IDEs show: every {@code fedlink.*} key must be in it,
 * described, and with the default the code really uses.
 */
class ConfigurationMetadataTests {

    private static final ConversionService CONVERSION = ApplicationConversionService.getSharedInstance();

    /** Metadata entries of fedlink's keys, by name. */
    private static final Map<String, JsonNode> metadata = new TreeMap<>();

    /** Every key the properties classes bind, with the value a fresh instance holds. */
    private static final Map<String, Object> bound = new TreeMap<>();

    @BeforeAll
    static void load() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (URL url : Collections.list(ConfigurationMetadataTests.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                for (JsonNode property : json.readTree(in).path("properties")) {
                    if (property.get("name").asText().startsWith("fedlink.")) {
                        metadata.put(property.get("name").asText(), property);
                    }
                }
            }
        }
        collect("fedlink.server", new FedlinkServerProperties());
        collect("fedlink.client", new FedlinkClientProperties());
        collect("fedlink.server.strategy", new FedlinkStrategyProperties());
        collect("fedlink.relay", new FedlinkRelayProperties());
    }

    @Test
    void everyBoundKeyIsInTheMetadataAndNothingElseIs() {
        assertThat(bound).isNotEmpty();
        assertThat(metadata.keySet()).containsExactlyElementsOf(bound.keySet());
    }

    @Test
    void everyKeyHasADescriptionSentence() {
        assertThat(metadata.values()).allSatisfy(property -> assertThat(property.path("description").asText())
                .as(property.get("name").asText()).matches("[A-Z].{10,}\\."));
    }

    @Test
    void everyKeyWithADefaultInTheCodeShowsThatDefaultAndNoOtherKeyShowsOne() {
        assertThat(bound).allSatisfy((key, value) -> {
            JsonNode shown = metadata.get(key).get("defaultValue");
            if (value == null || value instanceof Map<?, ?> map && map.isEmpty()) {
                assertThat(shown).as("default shown for %s", key).isNull();
            } else {
                assertThat(shown).as("default shown for %s (the code uses %s)", key, value).isNotNull();
                assertThat(CONVERSION.convert(shown.asText(), value.getClass())).as(key).isEqualTo(value);
            }
        });
    }

    @Test
    void aFewDefaultsReadAsAUserWouldTypeThem() {
        assertThat(metadata.get("fedlink.server.quorum.timeout").get("defaultValue").asText()).isEqualTo("10m");
        assertThat(metadata.get("fedlink.server.max-message-size").get("defaultValue").asText()).isEqualTo("512MB");
        assertThat(metadata.get("fedlink.server.timeout-policy").get("defaultValue").asText()).isEqualTo("drop");
    }

    /** Walks a properties object: a property with a setter is a key, one with only a getter is a nested group. */
    private static void collect(String prefix, Object properties) {
        for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(properties.getClass())) {
            if (descriptor.getReadMethod() == null || descriptor.getName().equals("class")) {
                continue;
            }
            String key = prefix + "." + kebab(descriptor.getName());
            Object value;
            try {
                value = descriptor.getReadMethod().invoke(properties);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + key, e);
            }
            if (descriptor.getWriteMethod() != null) {
                bound.put(key, value);
            } else {
                collect(key, value);
            }
        }
    }

    /** The key as Spring Boot binds it ({@code qParam}, whose bean property reads "QParam", is {@code q-param}). */
    private static String kebab(String camel) {
        String name = Character.toLowerCase(camel.charAt(0)) + camel.substring(1);
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
