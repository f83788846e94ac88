package io.fedlink.strategy;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import io.fedlink.server.ClientFailure;
import io.fedlink.server.ClientProxy;
import io.fedlink.strategy.aggregate.Clipping;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server-side differential-privacy wrappers share: every decision but aggregation is the wrapped strategy's;
 * each update is clipped against the round's starting model before the wrapped aggregator sees it; a round with
 * failures makes no model (Flower's rule: the noise is calibrated to the sampled clients); Gaussian noise is added to
 * the wrapped strategy's new model.
 */
abstract class DifferentialPrivacyWrapper extends ForwardingStrategy {

    private static final Logger log = LoggerFactory.getLogger(DifferentialPrivacyWrapper.class);

    /** The clients sampled each round, m: the noise's standard deviation is z C / m. */
    protected final int numSampledClients;
    /** Where the noise comes from. */
    protected final RandomGenerator random;

    protected DifferentialPrivacyWrapper(Strategy strategy, int numSampledClients, RandomGenerator random) {
        super(strategy);
        if (numSampledClients <= 0) {
            throw new IllegalArgumentException("numSampledClients must be positive, was " + numSampledClients);
        }
        this.numSampledClients = numSampledClients;
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The clipping norm of the round starting now. */
    protected abstract double clippingNorm();

    /** The noise multiplier applied to the clipping norm. */
    protected abstract double noiseMultiplier();

    /** Told each accepted update's clipping, before the wrapped aggregator sees it. */
    protected void clipped(Clipping.Clipped clipped) {
    }

    /** Told the round's end with its accepted updates, after the noise was added (adaptive clipping adapts here). */
    protected void roundAggregated(int accepted) {
    }

    @Override
    public FitAggregator fitAggregator(int round, Parameters parameters) {
        return new ClippingAggregator(parameters, strategy.fitAggregator(round, parameters));
    }

    private final class ClippingAggregator implements FitAggregator {
        private final Parameters current;
        private final FitAggregator inner;
        private final double clippingNorm = clippingNorm();
        private int accepted;

        ClippingAggregator(Parameters current, FitAggregator inner) {
            this.current = current;
            this.inner = inner;
        }

        @Override
        public void add(ClientProxy client, ClientMessage.FitRes result) {
            Clipping.Clipped clip = Clipping.clip(client.id(), current, result.getParameters(), clippingNorm);
            inner.add(client, result.toBuilder().setParameters(clip.parameters()).build());
            clipped(clip);
            accepted++;
        }

        @Override
        public FitAggregate result(List<ClientFailure> failures) {
            if (!failures.isEmpty()) {
                return FitAggregate.rejected(failures.size() + " sampled client(s) failed; server-side differential privacy"
                        + " aggregates only rounds without failures (its noise is calibrated to the sampled clients)", Map.of());
            }
            if (accepted != numSampledClients) {
                log.warn("{} updates were aggregated but num-sampled-clients is {}: the noise is calibrated to {} clients",
                        accepted, numSampledClients, numSampledClients);
            }
            FitAggregate aggregate = inner.result(failures);
            if (aggregate.parameters().isEmpty()) {
                return aggregate;
            }
            double stdDev = Clipping.noiseStdDev(noiseMultiplier(), clippingNorm, numSampledClients);
            Parameters noisy = Clipping.addNoise(aggregate.parameters().get(), stdDev, random);
            log.info("Central DP: updates clipped to norm {}, Gaussian noise of standard deviation {} added", clippingNorm,
                    stdDev);
            roundAggregated(accepted);
            return FitAggregate.of(noisy, aggregate.metrics());
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
