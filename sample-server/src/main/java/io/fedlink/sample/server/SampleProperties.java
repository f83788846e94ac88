package io.fedlink.sample.server;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings of the sample coordinator, under {@code sample}: what it tells clients, and where it writes its port. */
@ConfigurationProperties("sample")
public class SampleProperties {

    /** Learning rate sent to clients with every fit instruction (config key learning_rate). */
    private double learningRate = 0.05;

    /** Local epochs each client trains per round (config key local_epochs). */
    private int localEpochs = 1;

    /** Where to write the bound gRPC port (useful with grpc.server.port=0); unset writes nothing. */
    private Path portFile;

    public double getLearningRate() {
        return learningRate;
    }

    public void setLearningRate(double learningRate) {
        this.learningRate = learningRate;
    }

    public int getLocalEpochs() {
        return localEpochs;
    }

    public void setLocalEpochs(int localEpochs) {
        this.localEpochs = localEpochs;
    }

    public Path getPortFile() {
        return portFile;
    }

    public void setPortFile(Path portFile) {
        this.portFile = portFile;
    }
}
