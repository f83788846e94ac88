package io.fedlink.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

class SampleAppsTests {

    @TempDir
    Path dir;

    @Test
    void aMissingSampleJarFailsTheTestNamingTheJarAndTheMavenCommandsThatBuildIt() {
        Path missing = dir.resolve("sample-server-0.1.0-SNAPSHOT.jar");

        assertThatThrownBy(() -> SampleApps.requireJar("sample-server", missing))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("The sample-server jar is missing at " + missing)
                .hasMessageContaining("./mvnw -pl interop-tests -am verify")
                .hasMessageContaining("./mvnw -pl sample-server,sample-client -am -DskipTests package");
    }

    @Test
    void theTrueModelHasOneValuePerFeatureAndABiasAndIsTheSameOnEveryCall() {
        String model = SampleApps.trueModel();

        assertThat(model.split(",")).hasSize(SampleApps.SAMPLE_FEATURES + 1);
        assertThat(SampleApps.trueModel()).isEqualTo(model);
    }
}
