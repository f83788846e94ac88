package io.fedlink.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Python 3 with grpcio, protobuf and numpy, plus the {@code flwr.proto} stubs generated from the
 * project's transport.proto (once per test JVM, into a fresh directory under target/). Missing tools FAIL the
 * test (never skip it): CI must install them with scripts/install-test-deps.sh.
 */
final class DebianPython {

    /** Debian's interpreter; the python3 first on PATH may be another build that lacks Debian's packages. */
    static final Path INTERPRETER = Path.of("/usr/bin/python3");
    static final Path PROTOC = Path.of("/usr/bin/protoc");
    static final Path GRPC_PYTHON_PLUGIN = Path.of("/usr/bin/grpc_python_plugin");

    private static final String FIX = "run scripts/install-test-deps.sh (as root, or with sudo) to install them";
    private static DebianPython instance;
    private static String unusable;

    private final Path stubs;
    private final Path sources;

    private DebianPython(Path stubs, Path sources) {
        this.stubs = stubs;
        this.sources = sources;
    }

    /** The checked interpreter with generated stubs; fails the calling test if anything is missing. */
    static synchronized DebianPython get() {
        if (unusable != null) {
            fail(unusable);
        }
        if (instance == null) {
            try {
                instance = prepare();
            } catch (AssertionError e) {
                unusable = e.getMessage();
                throw e;
            }
        }
        return instance;
    }

    private static DebianPython prepare() {
        checkTools(INTERPRETER, PROTOC, GRPC_PYTHON_PLUGIN);
        return generateStubs();
    }

    /** Fails (never skips) unless the interpreter imports grpc, protobuf and numpy and the protoc tools exist. */
    static void checkTools(Path interpreter, Path protoc, Path grpcPythonPlugin) {
        for (Path tool : List.of(interpreter, protoc, grpcPythonPlugin)) {
            if (!Files.isExecutable(tool)) {
                fail(tool + " is missing: the interop tests need Debian's python3-grpcio, python3-protobuf, python3-numpy,"
                        + " protobuf-compiler and protobuf-compiler-grpc; " + FIX);
            }
        }
        String imports = run(List.of(interpreter.toString(), "-c", "import grpc, google.protobuf, numpy"));
        if (imports != null) {
            fail(interpreter + " cannot import grpc, google.protobuf and numpy (" + imports.strip() + "); " + FIX);
        }
    }

    private static DebianPython generateStubs() {
        Path target = Path.of(System.getProperty("fedlink.interop.logs", "target/interop-logs")).getParent();
        Path protoDir = Path.of(System.getProperty("fedlink.interop.proto-dir", "../proto/src/main/proto"));
        Path sources = Path.of(System.getProperty("fedlink.interop.python-sources", "src/test/python"));
        Path stubs;
        try {
            Files.createDirectories(target);
            stubs = Files.createTempDirectory(target, "python-stubs-");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create a directory for the Python stubs under " + target, e);
        }
        String generated = run(List.of(PROTOC.toString(), "-I", protoDir.toString(), "--python_out=" + stubs,
                "--grpc_python_out=" + stubs, "--plugin=protoc-gen-grpc_python=" + GRPC_PYTHON_PLUGIN,
                "flwr/proto/transport.proto"));
        if (generated != null) {
            fail("protoc could not generate the Python stubs from " + protoDir + ": " + generated);
        }
        return new DebianPython(stubs, sources);
    }

    /** Runs a short command; returns null on success, else its output and exit code. */
    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return String.join(" ", command) + " did not finish within 120 s";
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.exitValue() == 0 ? null : output + " (exit code " + process.exitValue() + ")";
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** A process builder for one of this module's Python programs, stubs on PYTHONPATH, unbuffered output. */
    ProcessBuilder processBuilder(String script, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(INTERPRETER.toString());
        command.add("-u");
        command.add(sources.resolve(script).toString());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("PYTHONPATH", stubs.toString());
        builder.environment().put("PYTHONUNBUFFERED", "1");
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        builder.environment().remove("PYTHONHOME");
        // gRPC core logs transport errors such as a GOAWAY "too_many_pings" to stderr at this level.
        builder.environment().putIfAbsent("GRPC_VERBOSITY", "ERROR");
        return builder;
    }
}
