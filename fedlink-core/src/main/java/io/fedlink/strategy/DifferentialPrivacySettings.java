package io.fedlink.strategy;

import java.util.random.RandomGenerator;

/**
 * Server-side central differential privacy around a strategy, by configuration: which clipping, and the wrappers'
 * parameters under Flower's names. {@code null} parameters take Flower's defaults.
 *
 * @param clipping              none, fixed or adaptive
 * @param noiseMultiplier       z (required with clipping)
 * @param numSampledClients     m, the clients sampled each round (required with clipping)
 * @param clippingNorm          fixed clipping's norm (required with fixed clipping)
 * @param initialClippingNorm   adaptive clipping's first norm (0.1)
 * @param targetClippedQuantile adaptive clipping's target share of clipped updates (0.5)
 * @param clipNormLr            adaptive clipping's learning rate (0.2)
 * @param clippedCountStddev    adaptive clipping's σ_b (num_sampled_clients / 20 with noise)
 */
public record DifferentialPrivacySettings(ServerSideClipping clipping, Double noiseMultiplier, Integer numSampledClients,
                                          Double clippingNorm, Double initialClippingNorm, Double targetClippedQuantile,
                                          Double clipNormLr, Double clippedCountStddev) {

    /** Which server-side clipping wraps the strategy. */
    public enum ServerSideClipping {
        /** No differential privacy. */
        NONE,
        /** {@link DifferentialPrivacyServerSideFixedClipping}. */
        FIXED,
        /** {@link DifferentialPrivacyServerSideAdaptiveClipping}. */
        ADAPTIVE
    }

    /**
     * {@code strategy} wrapped as configured, or as it is without clipping.
     *
     * @throws IllegalArgumentException if a required parameter is missing or one is out of its range
     */
    public Strategy wrap(Strategy strategy) {
        if (clipping == null || clipping == ServerSideClipping.NONE) {
            return strategy;
        }
        if (noiseMultiplier == null || numSampledClients == null) {
            throw new IllegalArgumentException("Server-side differential privacy needs noise_multiplier and"
                    + " num_sampled_clients");
        }
        RandomGenerator random = RandomGenerator.of("L64X256MixRandom");
        if (clipping == ServerSideClipping.FIXED) {
            if (clippingNorm == null) {
                throw new IllegalArgumentException("Server-side fixed clipping needs clipping_norm");
            }
            return new DifferentialPrivacyServerSideFixedClipping(strategy, noiseMultiplier, clippingNorm,
                    numSampledClients, random);
        }
        return new DifferentialPrivacyServerSideAdaptiveClipping(strategy, noiseMultiplier, numSampledClients,
                StrategyParameters.or(initialClippingNorm, 0.1), StrategyParameters.or(targetClippedQuantile, 0.5),
                StrategyParameters.or(clipNormLr, 0.2), clippedCountStddev, random);
    }
}
