package io.fedlink.sample.server;

import static org.junit.jupiter.api.Assertions.fail;

import io.fedlink.test.process.ManagedProcess;
import io.fedlink.test.process.ProcessLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Debian's chromium driven directly, headless: {@link #dumpDom} returns a page's DOM after its scripts ran for a
 * few (virtual) seconds, {@link #screenshot} saves it as a PNG. Every run has a fresh profile, is bounded, and is
 * started and ended by the kit's {@link ProcessLauncher}, whatever happens.
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
        List<String> command = new ArrayList<>(List.of(executable.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + work.resolve("profile"), "--virtual-time-budget=3000"));
        command.addAll(action);
        command.add(url);
        try (ProcessLauncher launcher = ProcessLauncher.logsIn(work)) {
            ManagedProcess chromium = launcher.command("chromium", command).separateErrors().start();
            int exitCode = chromium.awaitExit(BOUND);
            if (exitCode != 0) {
                fail("chromium exited with " + exitCode + " loading " + url + "\n" + chromium.describe());
            }
            if (expectedFile != null && !Files.exists(expectedFile)) {
                fail("chromium wrote no " + expectedFile + " for " + url + "\n" + chromium.describe());
            }
            return chromium.output();
        } finally {
            deleteQuietly(work);
        }
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
