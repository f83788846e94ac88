package io.fedlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes/ read with fabric8's Kubernetes object model, as an API server would type it (these manifests were
 * not applied to a cluster here): the root keeps its checkpoints on a volume, the relays are a Deployment behind a
 * headless Service that selects them, both are ready by the Actuator's readiness group, every {@code fedlink.*} key
 * they set exists, and every container asks for the resources it is sized for.
 */
class KubernetesManifestsIT {

    private static final Path DIR = Path.of(System.getProperty("fedlink.repository", "..")).resolve("deploy/kubernetes");

    @Test
    void theRootCoordinatorIsAStatefulSetThatKeepsItsCheckpointsOnAVolume() throws IOException {
        List<HasMetadata> objects = load("root-coordinator.yaml");
        StatefulSet root = one(objects, StatefulSet.class);
        Container container = root.getSpec().getTemplate().getSpec().getContainers().get(0);

        String checkpoints = argument(container, "fedlink.server.training.checkpoint-directory").orElseThrow();
        assertThat(root.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(claim ->
                assertThat(container.getVolumeMounts()).anySatisfy(mount -> {
                    assertThat(mount.getName()).isEqualTo(claim.getMetadata().getName());
                    assertThat(mount.getMountPath()).isEqualTo(checkpoints);
                }));
        assertThat(one(objects, Service.class).getSpec().getSelector())
                .isEqualTo(root.getSpec().getTemplate().getMetadata().getLabels());
        assertReadyByTheActuator(container);
        assertSized(container);
    }

    @Test
    void theRelaysAreADeploymentBehindAHeadlessServiceAndJoinTheRoot() throws IOException {
        List<HasMetadata> objects = load("relays.yaml");
        Deployment relays = one(objects, Deployment.class);
        Service service = one(objects, Service.class);
        Container container = relays.getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(argument(container, "fedlink.relay.enabled")).hasValue("true");
        assertThat(service.getSpec().getClusterIP()).as("headless: DNS gives clients every relay").isEqualTo("None");
        assertThat(service.getSpec().getSelector()).isEqualTo(relays.getSpec().getTemplate().getMetadata().getLabels());
        assertThat(service.getSpec().getPorts()).anySatisfy(port -> assertThat(container.getPorts())
                .anySatisfy(containerPort -> assertThat(containerPort.getName()).isEqualTo(port.getTargetPort().getStrVal())));
        Service root = one(load("root-coordinator.yaml"), Service.class);
        assertThat(argument(container, "grpc.client.fedlink.address")).hasValueSatisfying(address ->
                assertThat(address).contains(root.getMetadata().getName() + ":" + root.getSpec().getPorts().get(0).getPort()));
        assertThat(argument(container, "management.endpoint.health.group.readiness.include"))
                .hasValueSatisfying(include -> assertThat(include).contains("fedlinkRelay"));
        assertThat(argument(container, "fedlink.server.training.auto-start")).hasValue("false");
        assertReadyByTheActuator(container);
        assertSized(container);
    }

    @Test
    void everyFedlinkKeyTheManifestsSetExists() throws IOException {
        Set<String> known = fedlinkKeys();
        for (String file : List.of("root-coordinator.yaml", "relays.yaml")) {
            for (HasMetadata object : load(file)) {
                List<Container> containers = object instanceof Deployment deployment
                        ? deployment.getSpec().getTemplate().getSpec().getContainers()
                        : object instanceof StatefulSet set ? set.getSpec().getTemplate().getSpec().getContainers() : List.of();
                containers.stream().flatMap(container -> container.getArgs().stream())
                        .filter(arg -> arg.startsWith("--fedlink."))
                        .map(arg -> arg.substring(2, arg.indexOf('=')))
                        .forEach(key -> assertThat(known).as("%s sets %s", file, key).contains(key));
            }
        }
    }

    private static void assertReadyByTheActuator(Container container) {
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(argument(container, "management.endpoint.health.probes.enabled")).hasValue("true");
    }

    private static void assertSized(Container container) {
        Map<String, Quantity> requests = container.getResources().getRequests();
        assertThat(requests).containsKeys("cpu", "memory");
        Quantity limit = container.getResources().getLimits().get("memory");
        assertThat(Quantity.getAmountInBytes(limit)).isGreaterThanOrEqualTo(Quantity.getAmountInBytes(requests.get("memory")));
        assertThat(container.getEnv()).anySatisfy(env -> assertThat(env.getValue()).contains("MaxRAMPercentage"));
    }

    private static Optional<String> argument(Container container, String key) {
        return container.getArgs().stream().filter(arg -> arg.startsWith("--" + key + "="))
                .map(arg -> arg.substring(key.length() + 3).replaceAll("\\s+#.*$", "")).findFirst();
    }

    private static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
        List<T> matching = objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(matching).as("objects of type %s", type.getSimpleName()).hasSize(1);
        return matching.get(0);
    }

    private static List<HasMetadata> load(String file) throws IOException {
        try (InputStream in = Files.newInputStream(DIR.resolve(file))) {
            Object parsed = new KubernetesSerialization().unmarshal(in);
            if (parsed instanceof KubernetesList list) {
                return list.getItems();
            }
            if (parsed instanceof List<?> list) {
                return list.stream().map(HasMetadata.class::cast).toList();
            }
            return List.of((HasMetadata) parsed);
        }
    }

    /** Every fedlink.* key in the configuration metadata on the class path (the auto-configuration's). */
    private static Set<String> fedlinkKeys() throws IOException {
        Set<String> keys = new HashSet<>();
        ObjectMapper json = new ObjectMapper();
        Enumeration<URL> resources = KubernetesManifestsIT.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json");
        while (resources.hasMoreElements()) {
            try (InputStream in = resources.nextElement().openStream()) {
                for (JsonNode property : json.readTree(in).path("properties")) {
                    String name = property.path("name").asText();
                    if (name.startsWith("fedlink.")) {
                        keys.add(name);
                    }
                }
            }
        }
        assertThat(keys).as("fedlink's configuration metadata").contains("fedlink.relay.enabled");
        return keys;
    }
}
