package io.fedlink.interop;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

class DebianPythonTests {

    @TempDir
    Path dir;

    @Test
    void anInterpreterWithoutGrpcFailsTheTestNamingTheInstallScript() throws IOException {
        Path python = executable("python3", "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'grpc'\" >&2\nexit 1\n");

        assertThatThrownBy(() -> DebianPython.checkTools(python, DebianPython.PROTOC, DebianPython.GRPC_PYTHON_PLUGIN))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("No module named 'grpc'")
                .hasMessageContaining("run scripts/install-test-deps.sh");
    }

    @Test
    void aMissingProtocPluginFailsTheTestNamingTheInstallScript() {
        Path missing = dir.resolve("grpc_python_plugin");

        assertThatThrownBy(() -> DebianPython.checkTools(DebianPython.INTERPRETER, DebianPython.PROTOC, missing))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining(missing + " is missing")
                .hasMessageContaining("run scripts/install-test-deps.sh");
    }

    @Test
    void debiansPythonHasEverythingTheInteropTestsNeed() {
        assertThatCode(DebianPython::get).doesNotThrowAnyException();
    }

    private Path executable(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
