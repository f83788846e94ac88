package io.fedlink.sample.server;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's chromium driven directly, headless: {@link #dumpDom} returns a page's DOM after its scripts ran for a
 * few (virtual) seconds, {@link #screenshot} saves it as a PNG. Every run has a fresh profile, is bounded, and its
 * process tree is destroyed whatever happens.
 */
final class HeadlessChromium {

    private static final Duration BOUND = Duration.ofSeconds(90);
    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");

    private final Path executable;

    private HeadlessChromium(Path executable) {
        this.executable = executable;
    }

    /** The installed chromium ({@code CHROMIUM} names another); fails the test with what to do when there is none. */
    static HeadlessChromium find() {
        List<String> candidates = new ArrayList<>();
        String configured = System.getenv("CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            candidates.add(configured);
        }
        candidates.addAll(CANDIDATES);
        for (String candidate : candidates) {
            Path path = Path.of(candidate);
            if (Files.isExecutable(path)) {
                return new HeadlessChromium(path);
            }
        }
        return fail("The dashboard browser test needs chromium, found none at " + candidates
                + ": run scripts/install-test-deps.sh (it installs Debian's chromium and chromium-driver),"
                + " or set CHROMIUM to a chromium executable");
    }

    /** The page's DOM after its scripts ran for about three seconds of virtual time. */
    String dumpDom(String url) throws IOException, InterruptedException {
        return run(url, List.of("--dump-dom"), null);
    }

    /** Saves the page, as a 1280x900 window shows it, to {@code png}. */
    void screenshot(String url, Path png) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.deleteIfExists(png);
        run(url, List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=1280,900", "--hide-scrollbars"), png);
    }

    private String run(String url, List<String> action, Path expectedFile) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("fedlink-chromium");
        Path stdout = work.resolve("stdout.txt");
        Path stderr = work.resolve("stderr.txt");
        List<String> command = new ArrayList<>(List.of(executable.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + work.resolve("profile"), "--virtual-time-budget=3000"));
        command.addAll(action);
        command.add(url);
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .start();
        try {
            if (!process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                fail("chromium did not finish loading " + url + " within " + BOUND + "; its output:\n" + tail(stderr));
            }
            if (process.exitValue() != 0) {
                fail("chromium exited with " + process.exitValue() + " loading " + url + "; its output:\n" + tail(stderr));
            }
            if (expectedFile != null && !Files.exists(expectedFile)) {
                fail("chromium wrote no " + expectedFile + " for " + url + "; its output:\n" + tail(stderr));
            }
            return new String(Files.readAllBytes(stdout), StandardCharsets.UTF_8);
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            deleteQuietly(work);
        }
    }

    private static String tail(Path file) throws IOException {
        List<String> lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
