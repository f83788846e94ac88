package io.fedlink.sample.server;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings of the sample coordinator, under {@code sample}. */
@ConfigurationProperties("sample")
public class SampleProperties {

    /** Number of input features of the logistic-regression model. */
    private int features = 20;

    /** Learning rate sent to clients with every fit instruction. */
    private double learningRate = 0.05;

    /** Local epochs each client trains per round. */
    private int localEpochs = 1;

    /** Whether the application exits once training is done (the demo and tests use this). */
    private boolean exitWhenDone = false;

    /** Where to write the bound gRPC port (useful with grpc.server.port=0); unset writes nothing. */
    private Path portFile;

    public int getFeatures() {
        return features;
    }

    public void setFeatures(int features) {
        this.features = features;
    }

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

    public boolean isExitWhenDone() {
        return exitWhenDone;
    }

    public void setExitWhenDone(boolean exitWhenDone) {
        this.exitWhenDone = exitWhenDone;
    }

    public Path getPortFile() {
        return portFile;
    }

    public void setPortFile(Path portFile) {
        this.portFile = portFile;
    }
}
