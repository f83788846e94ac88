package io.fedlink.sample.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import net.devh.boot.grpc.server.event.GrpcServerStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Writes the bound gRPC port to {@code sample.port-file}, atomically, so scripts can start clients against it. */
@Component
class PortFileWriter {

    private final SampleProperties properties;

    PortFileWriter(SampleProperties properties) {
        this.properties = properties;
    }

    @EventListener
    void onStarted(GrpcServerStartedEvent event) {
        Path file = properties.getPortFile();
        if (file == null) {
            return;
        }
        try {
            Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), "port", ".tmp");
            Files.writeString(temp, Integer.toString(event.getPort()));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the port file " + file, e);
        }
    }
}
