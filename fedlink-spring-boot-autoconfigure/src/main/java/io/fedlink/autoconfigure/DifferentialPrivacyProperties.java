package io.fedlink.autoconfigure;

import io.fedlink.strategy.DifferentialPrivacySettings;
import io.fedlink.strategy.DifferentialPrivacySettings.ServerSideClipping;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Server-side central differential privacy around the strategy, under
 * {@code fedlink.server.strategy.differential-privacy}, with the parameters of Flower's
 * {@code DifferentialPrivacyServerSideFixedClipping} and {@code DifferentialPrivacyServerSideAdaptiveClipping}.
 */
public class DifferentialPrivacyProperties {

    /** Which server-side clipping wraps the strategy: none, fixed or adaptive. */
    private ServerSideClipping clipping = ServerSideClipping.NONE;

    /** The noise multiplier z of the Gaussian mechanism (required with clipping); 1.0 or more for strong privacy. */
    private Double noiseMultiplier;

    /** The clients sampled each round, m: the noise's standard deviation is z C / m (required with clipping). */
    private Integer numSampledClients;

    /** Fixed clipping's L2 norm C (required with fixed clipping). */
    private Double clippingNorm;

    /** Adaptive clipping's first norm (default 0.1, as Andrew et al. recommend). */
    private Double initialClippingNorm;

    /** Adaptive clipping's target share of clipped updates (default 0.5). */
    private Double targetClippedQuantile;

    /** Adaptive clipping's learning rate for the norm (default 0.2). */
    private Double clipNormLr;

    /** Adaptive clipping's noise on the clipped count, σ_b (default num-sampled-clients / 20 when there is noise). */
    private Double clippedCountStddev;

    public ServerSideClipping getClipping() {
        return clipping;
    }

    public void setClipping(ServerSideClipping clipping) {
        this.clipping = clipping;
    }

    public Double getNoiseMultiplier() {
        return noiseMultiplier;
    }

    public void setNoiseMultiplier(Double noiseMultiplier) {
        this.noiseMultiplier = noiseMultiplier;
    }

    public Integer getNumSampledClients() {
        return numSampledClients;
    }

    public void setNumSampledClients(Integer numSampledClients) {
        this.numSampledClients = numSampledClients;
    }

    public Double getClippingNorm() {
        return clippingNorm;
    }

    public void setClippingNorm(Double clippingNorm) {
        this.clippingNorm = clippingNorm;
    }

    public Double getInitialClippingNorm() {
        return initialClippingNorm;
    }

    public void setInitialClippingNorm(Double initialClippingNorm) {
        this.initialClippingNorm = initialClippingNorm;
    }

    public Double getTargetClippedQuantile() {
        return targetClippedQuantile;
    }

    public void setTargetClippedQuantile(Double targetClippedQuantile) {
        this.targetClippedQuantile = targetClippedQuantile;
    }

    public Double getClipNormLr() {
        return clipNormLr;
    }

    public void setClipNormLr(Double clipNormLr) {
        this.clipNormLr = clipNormLr;
    }

    public Double getClippedCountStddev() {
        return clippedCountStddev;
    }

    public void setClippedCountStddev(Double clippedCountStddev) {
        this.clippedCountStddev = clippedCountStddev;
    }

    DifferentialPrivacySettings settings() {
        return new DifferentialPrivacySettings(clipping, noiseMultiplier, numSampledClients, clippingNorm,
                initialClippingNorm, targetClippedQuantile, clipNormLr, clippedCountStddev);
    }

    /** Start-up checks, naming the key under {@code prefix}. */
    void validate(String prefix) {
        if (clipping == null || clipping == ServerSideClipping.NONE) {
            return;
        }
        if (noiseMultiplier == null || noiseMultiplier < 0) {
            throw new InvalidConfigurationPropertyValueException(prefix + ".noise-multiplier", noiseMultiplier,
                    "server-side clipping needs a noise multiplier of 0 or more");
        }
        if (numSampledClients == null || numSampledClients < 1) {
            throw new InvalidConfigurationPropertyValueException(prefix + ".num-sampled-clients", numSampledClients,
                    "server-side clipping needs the number of clients sampled each round (at least 1)");
        }
        if (clipping == ServerSideClipping.FIXED && (clippingNorm == null || clippingNorm <= 0)) {
            throw new InvalidConfigurationPropertyValueException(prefix + ".clipping-norm", clippingNorm,
                    "fixed clipping needs a positive clipping norm");
        }
        Validation.fraction(prefix + ".target-clipped-quantile", targetClippedQuantile);
    }
}
