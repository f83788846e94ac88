package io.fedlink.strategy;

import io.fedlink.strategy.aggregate.Clipping;
import java.util.random.RandomGenerator;

/**
 * Central differential privacy with server-side adaptive clipping, around any strategy (Flower's
 * {@code DifferentialPrivacyServerSideAdaptiveClipping}; Andrew et al. 2021, "Differentially private learning with
 * adaptive clipping"): as fixed clipping, but the clipping norm C follows a quantile of the update norms. Each round,
 * with b̃ the share of updates that were not clipped plus N(0, σ_b²) noise on their count,
 * {@code C ← C exp(-clip_norm_lr (b̃ - (1 - target_clipped_quantile)))}, so that about
 * {@code target_clipped_quantile} of the updates end up clipped. σ_b ({@code clipped_count_stddev}) defaults to
 * {@code num_sampled_clients / 20} when there is noise, and the noise multiplier applied to the model is raised to
 * {@code (z⁻² - (2σ_b)⁻²)^(-1/2)} to pay for the count's privacy.
 *
 * <p>Two deliberate differences from Flower's code, both following the paper: Flower counts the clipped updates and
 * moves C by {@code exp(-lr (clipped share - target))}, which shrinks C when too many updates are clipped and so
 * drives it away from the target (its parameter's documented meaning, the share to clip, is kept here); and Flower
 * draws the model's noise with the already updated C, where the paper uses the C the updates were clipped with. The
 * clipping norm lives in the strategy across rounds (not checkpointed).
 */
public class DifferentialPrivacyServerSideAdaptiveClipping extends DifferentialPrivacyWrapper {

    private final double noiseMultiplier;
    private final double targetClippedQuantile;
    private final double clipNormLr;
    private final double clippedCountStddev;
    private double clippingNorm;
    private int unclipped;

    /** With Flower's defaults: initial clipping norm 0.1, target clipped quantile 0.5, clip norm learning rate 0.2. */
    public DifferentialPrivacyServerSideAdaptiveClipping(Strategy strategy, double noiseMultiplier, int numSampledClients) {
        this(strategy, noiseMultiplier, numSampledClients, 0.1, 0.5, 0.2, null, RandomGenerator.of("L64X256MixRandom"));
    }

    /**
     * @param clippedCountStddev σ_b, or {@code null} for {@code num_sampled_clients / 20} (0 without noise)
     * @throws IllegalArgumentException if a value is out of its range, or the noise multiplier is too high for σ_b
     *                                  ({@code z >= 2 σ_b})
     */
    public DifferentialPrivacyServerSideAdaptiveClipping(Strategy strategy, double noiseMultiplier, int numSampledClients,
                                                         double initialClippingNorm, double targetClippedQuantile,
                                                         double clipNormLr, Double clippedCountStddev,
                                                         RandomGenerator random) {
        super(strategy, numSampledClients, random);
        if (!(noiseMultiplier >= 0)) {
            throw new IllegalArgumentException("noiseMultiplier must not be negative, was " + noiseMultiplier);
        }
        if (!(initialClippingNorm > 0)) {
            throw new IllegalArgumentException("initialClippingNorm must be positive, was " + initialClippingNorm);
        }
        if (!(targetClippedQuantile >= 0 && targetClippedQuantile <= 1)) {
            throw new IllegalArgumentException("targetClippedQuantile must be between 0 and 1, was " + targetClippedQuantile);
        }
        if (!(clipNormLr > 0)) {
            throw new IllegalArgumentException("clipNormLr must be positive, was " + clipNormLr);
        }
        if (clippedCountStddev != null && !(clippedCountStddev >= 0)) {
            throw new IllegalArgumentException("clippedCountStddev must not be negative, was " + clippedCountStddev);
        }
        this.clippingNorm = initialClippingNorm;
        this.targetClippedQuantile = targetClippedQuantile;
        this.clipNormLr = clipNormLr;
        if (noiseMultiplier > 0) {
            double countStddev = clippedCountStddev != null ? clippedCountStddev : numSampledClients / 20.0;
            if (noiseMultiplier >= 2 * countStddev) {
                throw new IllegalArgumentException("noiseMultiplier " + noiseMultiplier + " is too high for a clipped count"
                        + " standard deviation of " + countStddev + " (it must be below twice that): raise"
                        + " clippedCountStddev (default num_sampled_clients / 20) or lower noiseMultiplier");
            }
            this.clippedCountStddev = countStddev;
            this.noiseMultiplier = Math.pow(Math.pow(noiseMultiplier, -2) - Math.pow(2 * countStddev, -2), -0.5);
        } else {
            this.clippedCountStddev = clippedCountStddev != null ? clippedCountStddev : 0.0;
            this.noiseMultiplier = 0.0;
        }
    }

    /** The clipping norm the next round clips with. */
    public double currentClippingNorm() {
        return clippingNorm;
    }

    /** The noise multiplier applied to the model, raised to pay for the clipped count's privacy. */
    public double effectiveNoiseMultiplier() {
        return noiseMultiplier;
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
    public FitAggregator fitAggregator(int round, io.fedlink.proto.Parameters parameters) {
        unclipped = 0;
        return super.fitAggregator(round, parameters);
    }

    @Override
    protected void clipped(Clipping.Clipped clipped) {
        if (!clipped.clipped()) {
            unclipped++;
        }
    }

    @Override
    protected void roundAggregated(int accepted) {
        double noisyShare = (unclipped + clippedCountStddev * random.nextGaussian()) / accepted;
        clippingNorm *= Math.exp(-clipNormLr * (noisyShare - (1 - targetClippedQuantile)));
    }

    @Override
    public String toString() {
        return "DifferentialPrivacyServerSideAdaptiveClipping(" + strategy + ", noise_multiplier=" + noiseMultiplier
                + ", clipping_norm=" + clippingNorm + ", target_clipped_quantile=" + targetClippedQuantile
                + ", num_sampled_clients=" + numSampledClients + ")";
    }
}
