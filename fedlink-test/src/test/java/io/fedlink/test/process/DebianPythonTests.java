package io.fedlink.test.process;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** The kit refuses to run Python peers without what they need, and says what to install. */
class DebianPythonTests {

    @TempDir
    Path dir;

    @Test
    void anInterpreterWithoutGrpcFailsTheTestNamingTheInstallScript() throws IOException {
        Path python = executable("python3", "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'grpc'\" >&2\nexit 1\n");

        assertThatThrownBy(() -> DebianPython.checkTools(python, DebianPython.PROTOC, DebianPython.GRPC_PYTHON_PLUGIN))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("No module named 'grpc'")
                .hasMessageContaining("python3-grpcio").hasMessageContaining("scripts/install-test-deps.sh");
    }

    @Test
    void aMissingProtocPluginFailsTheTestNamingTheInstallScript() {
        Path missing = dir.resolve("grpc_python_plugin");

        assertThatThrownBy(() -> DebianPython.checkTools(DebianPython.INTERPRETER, DebianPython.PROTOC, missing))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining(missing + " is missing")
                .hasMessageContaining("python3-grpcio").hasMessageContaining("scripts/install-test-deps.sh");
    }

    @Test
    void debiansPythonHasEverythingPythonPeersNeed() {
        assertThatCode(DebianPython::get).doesNotThrowAnyException();
    }

    private Path executable(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
