package io.fedlink.test.process;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Debian's Python 3 with grpcio, protobuf and numpy, and the {@code flwr.proto} stubs generated (once per JVM) from
 * the {@code transport.proto} on the class path (fedlink-proto's jar), so a script can {@code import
 * flwr.proto.transport_pb2}. Missing tools FAIL the test, never skip it: a wire-compatibility claim must be checked.
 */
public final class DebianPython {

    /** Debian's interpreter: the {@code python3} first on PATH may be another build that lacks Debian's packages. */
    public static final Path INTERPRETER = Path.of("/usr/bin/python3");
    public static final Path PROTOC = Path.of("/usr/bin/protoc");
    public static final Path GRPC_PYTHON_PLUGIN = Path.of("/usr/bin/grpc_python_plugin");

    static final String PROTO = "flwr/proto/transport.proto";
    private static final Duration TOOL_BOUND = Duration.ofSeconds(120);
    private static final String FIX = "install Debian's python3-grpcio python3-protobuf python3-numpy protobuf-compiler"
            + " protobuf-compiler-grpc (in fedlink's repository: run scripts/install-test-deps.sh, as root or with sudo)";

    private static DebianPython instance;
    private static String unusable;

    private final Path stubs;

    private DebianPython(Path stubs) {
        this.stubs = stubs;
    }

    /** The checked interpreter with generated stubs; fails the calling test, saying what to install, if it cannot be. */
    public static synchronized DebianPython get() {
        if (unusable != null) {
            fail(unusable);
        }
        if (instance == null) {
            try {
                checkTools(INTERPRETER, PROTOC, GRPC_PYTHON_PLUGIN);
                instance = new DebianPython(generateStubs());
            } catch (AssertionError e) {
                unusable = e.getMessage();
                throw e;
            }
        }
        return instance;
    }

    /** Fails unless the interpreter imports grpc, protobuf and numpy and the protoc tools exist. */
    static void checkTools(Path interpreter, Path protoc, Path grpcPythonPlugin) {
        for (Path tool : List.of(interpreter, protoc, grpcPythonPlugin)) {
            if (!Files.isExecutable(tool)) {
                fail(tool + " is missing: Python peers need it; " + FIX);
            }
        }
        Commands.Result imports = run(List.of(interpreter.toString(), "-c", "import grpc, google.protobuf, numpy"));
        if (!imports.succeeded()) {
            fail(interpreter + " cannot import grpc, google.protobuf and numpy (" + imports.output().strip() + "); " + FIX);
        }
    }

    /** Where the generated {@code flwr/proto/*_pb2*.py} stubs are. */
    public Path stubs() {
        return stubs;
    }

    /** The command that runs {@code script} unbuffered; arguments follow. */
    public List<String> command(Path script) {
        return new ArrayList<>(List.of(INTERPRETER.toString(), "-u", script.toString()));
    }

    /** Puts the stubs on {@code PYTHONPATH}, unbuffers output and quiets gRPC core below errors. */
    public void configure(Map<String, String> environment) {
        environment.put("PYTHONPATH", stubs.toString());
        environment.put("PYTHONUNBUFFERED", "1");
        environment.put("PYTHONDONTWRITEBYTECODE", "1");
        environment.remove("PYTHONHOME");
        // gRPC core logs transport errors such as a GOAWAY "too_many_pings" to stderr at this level.
        environment.putIfAbsent("GRPC_VERBOSITY", "ERROR");
    }

    /**
     * Runs the interpreter with {@code arguments} (a script and its arguments, or {@code -c code}) to its end, at most
     * {@code bound}, and returns its output; fails the test, with the output, on a non-zero exit.
     */
    public String run(List<String> arguments, Duration bound) {
        List<String> command = new ArrayList<>(List.of(INTERPRETER.toString()));
        command.addAll(arguments);
        Map<String, String> environment = new java.util.HashMap<>();
        configure(environment);
        environment.put("PYTHONHOME", null);
        try {
            Commands.Result result = Commands.run(command, environment, bound);
            if (!result.succeeded()) {
                fail("python exited with " + result.exitCode() + ": " + String.join(" ", arguments) + "\n" + result.output());
            }
            return result.output();
        } catch (IOException e) {
            return fail("Cannot run " + INTERPRETER + ": " + e.getMessage() + "; " + FIX);
        }
    }

    private static Path generateStubs() {
        try {
            Path root = Files.isDirectory(Path.of("target")) ? Path.of("target") : Path.of(System.getProperty("java.io.tmpdir"));
            Path work = Files.createTempDirectory(root.toAbsolutePath(), "python-stubs-");
            Path protoDir = work.resolve("proto");
            Path stubs = work.resolve("stubs");
            Files.createDirectories(protoDir.resolve(PROTO).getParent());
            Files.createDirectories(stubs);
            try (InputStream proto = DebianPython.class.getClassLoader().getResourceAsStream(PROTO)) {
                if (proto == null) {
                    fail(PROTO + " is not on the class path: fedlink-proto's jar carries it; add io.fedlink:fedlink-proto");
                }
                Files.copy(proto, protoDir.resolve(PROTO));
            }
            Commands.Result generated = run(List.of(PROTOC.toString(), "-I", protoDir.toString(), "--python_out=" + stubs,
                    "--grpc_python_out=" + stubs, "--plugin=protoc-gen-grpc_python=" + GRPC_PYTHON_PLUGIN, PROTO));
            if (!generated.succeeded()) {
                fail("protoc could not generate the Python stubs from " + PROTO + ": " + generated.output());
            }
            return stubs;
        } catch (IOException e) {
            return fail("Cannot generate the Python stubs: " + e);
        }
    }

    private static Commands.Result run(List<String> command) {
        try {
            return Commands.run(command, TOOL_BOUND);
        } catch (IOException e) {
            return new Commands.Result(-1, e.toString());
        }
    }
}
