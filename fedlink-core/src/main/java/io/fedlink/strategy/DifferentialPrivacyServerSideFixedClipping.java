package io.fedlink.strategy;

import java.util.random.RandomGenerator;

/**
 * Central differential privacy with server-side fixed clipping, around any strategy (Flower's
 * {@code DifferentialPrivacyServerSideFixedClipping}; McMahan et al. 2018, Andrew et al. 2021): every update
 * {@code w_k - w} is clipped to L2 norm {@code clipping_norm} (over all tensors flattened), the wrapped strategy
 * aggregates the clipped models, and Gaussian noise of standard deviation
 * {@code noise_multiplier * clipping_norm / num_sampled_clients} is added to every element of the result. A round
 * with failures makes no model. The noise comes from a fast, non-cryptographic generator by default, as Flower's
 * {@code numpy.random}.
 */
public class DifferentialPrivacyServerSideFixedClipping extends DifferentialPrivacyWrapper {

    private final double noiseMultiplier;
    private final double clippingNorm;

    public DifferentialPrivacyServerSideFixedClipping(Strategy strategy, double noiseMultiplier, double clippingNorm,
                                                      int numSampledClients) {
        this(strategy, noiseMultiplier, clippingNorm, numSampledClients, RandomGenerator.of("L64X256MixRandom"));
    }

    /**
     * @throws IllegalArgumentException if the noise multiplier is negative, the clipping norm not positive, or the
     *                                  number of sampled clients not positive
     */
    public DifferentialPrivacyServerSideFixedClipping(Strategy strategy, double noiseMultiplier, double clippingNorm,
                                                      int numSampledClients, RandomGenerator random) {
        super(strategy, numSampledClients, random);
        if (!(noiseMultiplier >= 0)) {
            throw new IllegalArgumentException("noiseMultiplier must not be negative, was " + noiseMultiplier);
        }
        if (!(clippingNorm > 0)) {
            throw new IllegalArgumentException("clippingNorm must be positive, was " + clippingNorm);
        }
        this.noiseMultiplier = noiseMultiplier;
        this.clippingNorm = clippingNorm;
    }

    @Override
    protected double clippingNorm() {
        return clippingNorm;
    }

    @Override
    protected double noiseMultiplier() {
        return noiseMultiplier;
    }

    @Override
    public String toString() {
        return "DifferentialPrivacyServerSideFixedClipping(" + strategy + ", noise_multiplier=" + noiseMultiplier
                + ", clipping_norm=" + clippingNorm + ", num_sampled_clients=" + numSampledClients + ")";
    }
}
