package io.fedlink.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's "Use it" snippets are the ones the consumer builds use: each snippet marked
 * {@code <!-- consumer-build: PATH -->} must appear, whitespace aside, in {@code src/it/PATH} once the build's
 * versions are filled in, so the README and the tested projects cannot drift apart.
 */
class ReadmeUseItTests {

    private static final Pattern MARKED_SNIPPET =
            Pattern.compile("<!-- consumer-build: (\\S+) -->\\s*```xml\\n(.*?)```", Pattern.DOTALL);

    private record Snippet(String consumerPom, String xml) {
    }

    private static final Path README = Path.of(System.getProperty("fedlink.readme"));
    private static final Path CONSUMER_BUILDS = Path.of(System.getProperty("fedlink.consumer-builds"));

    @Test
    void everyMarkedSnippetIsInTheConsumerBuildItNames() throws IOException {
        for (Snippet snippet : snippets()) {
            String pom = Files.readString(CONSUMER_BUILDS.resolve(snippet.consumerPom()))
                    .replace("@project.version@", System.getProperty("fedlink.version"))
                    .replace("@spring-boot.version@", System.getProperty("spring-boot.version"));
            assertThat(normalized(pom))
                    .as("README snippet marked for %s", snippet.consumerPom())
                    .contains(normalized(snippet.xml()));
        }
    }

    @Test
    void theReadmeShowsBothWaysAsTestedSnippets() throws IOException {
        assertThat(snippets()).extracting(Snippet::consumerPom)
                .contains("starter-only/pom.xml", "bom-import/app/pom.xml");
        assertThat(snippets()).allSatisfy(snippet -> assertThat(snippet.xml()).contains("<groupId>io.fedlink</groupId>"));
    }

    @Test
    void theReadmeNamesTheVersionsTheBuildTestsWith() throws IOException {
        assertThat(normalized(Files.readString(README))).contains(
                "Spring Boot " + System.getProperty("spring-boot.version"),
                "grpc-java " + System.getProperty("grpc.version"),
                "protobuf-java " + System.getProperty("protobuf.version"),
                "gRPC starters " + System.getProperty("net-devh-grpc.version"));
    }

    private static List<Snippet> snippets() throws IOException {
        List<Snippet> snippets = new ArrayList<>();
        Matcher matcher = MARKED_SNIPPET.matcher(Files.readString(README));
        while (matcher.find()) {
            snippets.add(new Snippet(matcher.group(1), matcher.group(2)));
        }
        return snippets;
    }

    private static String normalized(String xml) {
        return xml.replaceAll("\\s+", " ").replace("> <", "><").trim();
    }
}
