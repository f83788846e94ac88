package io.fedlink.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.fedlink.test.TestResources;
import io.fedlink.test.process.ManagedProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The README's code, taken from the README itself (the block after each {@code <!-- snippet: name -->} marker),
 * compiled and run: the two plain {@code main}s of "Without Spring" as separate JVMs, and the test of "Testing your
 * own FederatedClient" through the JUnit Platform. One source: an edit to the README that breaks it fails here.
 */
class ReadmeSnippetsTests {

    private static final Path README = Path.of(System.getProperty("fedlink.readme", "../README.md"));
    private static final Pattern SNIPPET = Pattern.compile("<!-- snippet: ([\\w-]+)[^>]*-->\\s*```java\\n(.*?)```",
            Pattern.DOTALL);
    private static final String CLASS_PATH = System.getProperty("surefire.test.class.path",
            System.getProperty("java.class.path"));

    @RegisterExtension
    final TestResources resources = new TestResources();

    @TempDir
    Path classes;

    @Test
    void theCoordinatorAndTwoClientsWithoutSpringTrainThreeRoundsAndEveryProcessEnds() throws Exception {
        compile("Coordinator", snippet("without-spring-coordinator"));
        compile("Client", snippet("without-spring-client"));
        int port = freePort();

        ManagedProcess coordinator = java("coordinator", "Coordinator", Integer.toString(port));
        ManagedProcess first = java("client-1", "Client", "127.0.0.1:" + port);
        ManagedProcess second = java("client-2", "Client", "127.0.0.1:" + port);

        coordinator.awaitSuccess(Duration.ofMinutes(2));
        first.awaitSuccess(Duration.ofSeconds(60));
        second.awaitSuccess(Duration.ofSeconds(60));
        assertThat(coordinator.output()).contains("rounds: 3, model: [NdArray[float32 (4,): 0.0, 0.0, 0.0, 0.0]]");
    }

    @Test
    void theTestOfYourOwnFederatedClientIsATestThatPasses() throws Exception {
        String testClass = """
                import static org.assertj.core.api.Assertions.assertThat;

                import io.fedlink.client.FederatedClient;
                import io.fedlink.proto.ClientMessage.FitRes;
                import io.fedlink.proto.Parameters;
                import io.fedlink.proto.ServerMessage.FitIns;
                import io.fedlink.server.ClientProxy;
                import io.fedlink.tensor.NdArray;
                import io.fedlink.tensor.ParametersCodec;
                import io.fedlink.test.TestCoordinator;
                import org.junit.jupiter.api.Test;

                public class MyClientTests {
                    /** What a user's client might be: it reports the examples it trained on. */
                    static class MyClient implements FederatedClient {
                        @Override public FitRes fit(FitIns ins) {
                            return FitRes.newBuilder().setParameters(ins.getParameters()).setNumExamples(100).build();
                        }
                    }

                    private final Parameters model = ParametersCodec.encode(NdArray.of(new float[] {1, 2, 3}));

                """ + snippet("testing-your-client").indent(4) + "}\n";
        compile("MyClientTests", testClass);

        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            SummaryGeneratingListener listener = new SummaryGeneratingListener();
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(loader.loadClass("MyClientTests"))).build(), listener);
            TestExecutionSummary summary = listener.getSummary();

            assertThat(summary.getFailures()).extracting(failure -> failure.getException().toString()).isEmpty();
            assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
        }
    }

    /** The code block after {@code <!-- snippet: name -->} in the README. */
    private static String snippet(String name) throws IOException {
        Matcher matcher = SNIPPET.matcher(Files.readString(README));
        while (matcher.find()) {
            if (matcher.group(1).equals(name)) {
                return matcher.group(2);
            }
        }
        throw new AssertionError("No snippet " + name + " in " + README.toAbsolutePath());
    }

    private void compile(String className, String source) throws IOException {
        Path file = Files.createDirectories(classes.resolve("src")).resolve(className + ".java");
        Files.writeString(file, source);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        Path errors = classes.resolve(className + ".javac");
        try (var out = Files.newOutputStream(errors)) {
            int status = compiler.run(null, out, out, "-d", classes.toString(), "-cp", CLASS_PATH, file.toString());
            assertThat(status).as("javac %s:%n%s%n%s", className, Files.readString(errors), source).isZero();
        }
    }

    private ManagedProcess java(String name, String mainClass, String... arguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classes + java.io.File.pathSeparator + CLASS_PATH, mainClass));
        command.addAll(List.of(arguments));
        return resources.processes().command(name, command).start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
