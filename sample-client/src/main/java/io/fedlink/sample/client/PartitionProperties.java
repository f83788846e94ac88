package io.fedlink.sample.client;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Which part of the synthetic data set this client holds, under {@code sample}. */
@ConfigurationProperties("sample")
public class PartitionProperties {

    /** This client's index, 0-based: it picks the partition. */
    private int clientIndex = 0;

    /** How many partitions the data set is split into (the non-IID skew spreads over them). */
    private int numClients = 3;

    /** Training examples on this client. */
    private int examples = 600;

    /** Number of input features of the model this client gives and trains; the same on every client. */
    private int features = 20;

    /** Extra time each fit takes, to watch (or test) a slow client; 0 for none. */
    private java.time.Duration fitDelay = java.time.Duration.ZERO;

    public java.time.Duration getFitDelay() {
        return fitDelay;
    }

    public void setFitDelay(java.time.Duration fitDelay) {
        this.fitDelay = fitDelay;
    }

    /** Seed of the data set shared by every client (the true model); the partition seed adds the index. */
    private long seed = 42;

    public int getClientIndex() {
        return clientIndex;
    }

    public void setClientIndex(int clientIndex) {
        this.clientIndex = clientIndex;
    }

    public int getNumClients() {
        return numClients;
    }

    public void setNumClients(int numClients) {
        this.numClients = numClients;
    }

    public int getExamples() {
        return examples;
    }

    public void setExamples(int examples) {
        this.examples = examples;
    }

    public int getFeatures() {
        return features;
    }

    public void setFeatures(int features) {
        this.features = features;
    }

    public long getSeed() {
        return seed;
    }

    public void setSeed(long seed) {
        this.seed = seed;
    }
}
