package io.fedlink.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.StringJoiner;

/**
 * The packaged sample applications (sample-server and sample-client Spring Boot jars) and what a Python client needs to
 * join their federation. The jars come from the samples' own {@code target/} directories: interop-tests declares the
 * samples as (pom-typed) dependencies, so Maven's reactor packages them before this module's integration-test phase.
 * A missing jar FAILS the test with the command that builds it.
 */
final class SampleApps {

    /** Seed of the sample clients' synthetic data set ({@code sample.seed}, default 42). */
    static final long SAMPLE_SEED = 42;
    /** Features of the sample model ({@code sample.features}, default 20): weights (20,) and bias (1,). */
    static final int SAMPLE_FEATURES = 20;

    private SampleApps() {
    }

    static Path serverJar() {
        return jar("sample-server");
    }

    static Path clientJar() {
        return jar("sample-client");
    }

    /**
     * The sample data set's true model, "w1,...,w20,b", for flower_like_client.py's {@code --true-model}: the Python
     * clients then hold partitions of the same task as the Java sample clients. Mirrors the first draws of
     * sample-client's {@code SyntheticPartition} (a {@code java.util.Random} seeded with {@code sample.seed}: one
     * Gaussian per weight, then half a Gaussian for the bias).
     */
    static String trueModel() {
        Random shared = new Random(SAMPLE_SEED);
        StringJoiner values = new StringJoiner(",");
        for (int j = 0; j < SAMPLE_FEATURES; j++) {
            values.add(Double.toString(shared.nextGaussian()));
        }
        values.add(Double.toString(0.5 * shared.nextGaussian()));
        return values.toString();
    }

    /** The jar named by {@code fedlink.interop.<module>-jar} (set by the pom), else ../&lt;module&gt;/target/. */
    private static Path jar(String module) {
        String configured = System.getProperty("fedlink.interop." + module + "-jar");
        return requireJar(module, configured != null ? Path.of(configured)
                : Path.of("..", module, "target", module + "-0.1.0-SNAPSHOT.jar").toAbsolutePath().normalize());
    }

    /** Fails (never skips) the calling test with the command that builds the jar, unless it exists. */
    static Path requireJar(String module, Path jar) {
        if (!Files.isRegularFile(jar)) {
            fail("The " + module + " jar is missing at " + jar + ". The sample-federation tests run the packaged samples"
                    + " as separate JVMs: run them with `./mvnw -pl interop-tests -am verify` (Maven packages the samples"
                    + " before interop-tests' integration-test phase), or build the jars first with"
                    + " `./mvnw -pl sample-server,sample-client -am -DskipTests package`.");
        }
        return jar;
    }
}
