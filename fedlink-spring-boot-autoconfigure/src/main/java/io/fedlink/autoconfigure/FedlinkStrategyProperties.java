package io.fedlink.autoconfigure;

import io.fedlink.strategy.BuiltInStrategy;
import io.fedlink.strategy.DifferentialPrivacySettings;
import io.fedlink.strategy.DifferentialPrivacySettings.ServerSideClipping;
import io.fedlink.strategy.StrategyOptions;
import io.fedlink.strategy.StrategyParameters;
import io.fedlink.strategy.aggregate.UpdateStore;
import java.nio.file.Path;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * The built-in strategy the coordinator trains with, under {@code fedlink.server.strategy}, with Flower's parameter
 * names. Unset values take the strategy's Flower default. A {@link io.fedlink.strategy.Strategy} bean of the
 * application replaces the built-in one and these settings.
 */
@ConfigurationProperties("fedlink.server.strategy")
public class FedlinkStrategyProperties implements InitializingBean {

    /**
     * Which built-in strategy decides each round, by its Flower name: FedAvg, FedAvgM, FedProx, FedAdagrad, FedAdam,
     * FedYogi, FedMedian, FedTrimmedAvg, Krum, Bulyan, QFedAvg or FaultTolerantFedAvg.
     */
    private BuiltInStrategy name = BuiltInStrategy.FED_AVG;

    /** Share of the connected clients sampled for each round's fit (Flower's fraction_fit; default 1.0). */
    private Double fractionFit;

    /** Share of the connected clients sampled for evaluation; 0 turns federated evaluation off (default 1.0). */
    private Double fractionEvaluate;

    /** Fewest clients a round's fit samples (Flower's min_fit_clients; default 2, or min-available-clients if lower). */
    private Integer minFitClients;

    /** Fewest clients an evaluation samples (default 2, or min-available-clients if lower). */
    private Integer minEvaluateClients;

    /** How many clients must be connected before a round samples (default fedlink.server.quorum.min-clients). */
    private Integer minAvailableClients;

    /** Whether a round in which some clients failed still aggregates the others (Flower's accept_failures). */
    private boolean acceptFailures = true;

    /** FedAvgM's server learning rate (Flower's server_learning_rate; default 1.0). */
    private Double serverLearningRate;

    /** FedAvgM's server momentum (Flower's server_momentum; default 0.0). */
    private Double serverMomentum;

    /** FedProx's proximal term weight, sent to clients as proximal_mu (required by FedProx). */
    private Double proximalMu;

    /** FedAdagrad, FedAdam and FedYogi's server learning rate (default 0.1, 0.1 and 0.01). */
    private Double eta;

    /** FedAdagrad, FedAdam and FedYogi's client learning rate, kept for Flower parity (not used by the server). */
    private Double etaL;

    /** FedAdam and FedYogi's first-moment decay (Flower's beta_1; default 0.9). */
    private Double beta1;

    /** FedAdam and FedYogi's second-moment decay (Flower's beta_2; default 0.99). */
    private Double beta2;

    /** FedAdagrad, FedAdam and FedYogi's adaptivity (default 1e-9, 1e-9 and 1e-3). */
    private Double tau;

    /** FedTrimmedAvg's share of values cut from each end of every coordinate (default 0.2). */
    private Double beta;

    /** Krum and Bulyan's assumed number of malicious clients (default 0). */
    private Integer numMaliciousClients;

    /** Krum's number of best-scored updates averaged (multi-Krum); 0 is plain Krum (default 0). */
    private Integer numClientsToKeep;

    /** QFedAvg's fairness parameter q (Flower's q_param; default 0.2). */
    private Double qParam;

    /** QFedAvg's learning rate (Flower's qffl_learning_rate; default 0.1). */
    private Double qfflLearningRate;

    /** FaultTolerantFedAvg's least share of clients whose fit must succeed (default 0.5). */
    private Double minCompletionRateFit;

    /** FaultTolerantFedAvg's least share of clients whose evaluation must succeed (default 0.5). */
    private Double minCompletionRateEvaluate;

    /** Where FedMedian, FedTrimmedAvg, Krum and Bulyan keep a round's updates. */
    @NestedConfigurationProperty
    private final Spill spill = new Spill();

    /** Server-side central differential privacy around the strategy. */
    @NestedConfigurationProperty
    private final DifferentialPrivacy differentialPrivacy = new DifferentialPrivacy();

    public BuiltInStrategy getName() {
        return name;
    }

    public void setName(BuiltInStrategy name) {
        this.name = name;
    }

    public Double getFractionFit() {
        return fractionFit;
    }

    public void setFractionFit(Double fractionFit) {
        this.fractionFit = fractionFit;
    }

    public Double getFractionEvaluate() {
        return fractionEvaluate;
    }

    public void setFractionEvaluate(Double fractionEvaluate) {
        this.fractionEvaluate = fractionEvaluate;
    }

    public Integer getMinFitClients() {
        return minFitClients;
    }

    public void setMinFitClients(Integer minFitClients) {
        this.minFitClients = minFitClients;
    }

    public Integer getMinEvaluateClients() {
        return minEvaluateClients;
    }

    public void setMinEvaluateClients(Integer minEvaluateClients) {
        this.minEvaluateClients = minEvaluateClients;
    }

    public Integer getMinAvailableClients() {
        return minAvailableClients;
    }

    public void setMinAvailableClients(Integer minAvailableClients) {
        this.minAvailableClients = minAvailableClients;
    }

    public boolean isAcceptFailures() {
        return acceptFailures;
    }

    public void setAcceptFailures(boolean acceptFailures) {
        this.acceptFailures = acceptFailures;
    }

    public Double getServerLearningRate() {
        return serverLearningRate;
    }

    public void setServerLearningRate(Double serverLearningRate) {
        this.serverLearningRate = serverLearningRate;
    }

    public Double getServerMomentum() {
        return serverMomentum;
    }

    public void setServerMomentum(Double serverMomentum) {
        this.serverMomentum = serverMomentum;
    }

    public Double getProximalMu() {
        return proximalMu;
    }

    public void setProximalMu(Double proximalMu) {
        this.proximalMu = proximalMu;
    }

    public Double getEta() {
        return eta;
    }

    public void setEta(Double eta) {
        this.eta = eta;
    }

    public Double getEtaL() {
        return etaL;
    }

    public void setEtaL(Double etaL) {
        this.etaL = etaL;
    }

    public Double getBeta1() {
        return beta1;
    }

    public void setBeta1(Double beta1) {
        this.beta1 = beta1;
    }

    public Double getBeta2() {
        return beta2;
    }

    public void setBeta2(Double beta2) {
        this.beta2 = beta2;
    }

    public Double getTau() {
        return tau;
    }

    public void setTau(Double tau) {
        this.tau = tau;
    }

    public Double getBeta() {
        return beta;
    }

    public void setBeta(Double beta) {
        this.beta = beta;
    }

    public Integer getNumMaliciousClients() {
        return numMaliciousClients;
    }

    public void setNumMaliciousClients(Integer numMaliciousClients) {
        this.numMaliciousClients = numMaliciousClients;
    }

    public Integer getNumClientsToKeep() {
        return numClientsToKeep;
    }

    public void setNumClientsToKeep(Integer numClientsToKeep) {
        this.numClientsToKeep = numClientsToKeep;
    }

    public Double getQParam() {
        return qParam;
    }

    public void setQParam(Double qParam) {
        this.qParam = qParam;
    }

    public Double getQfflLearningRate() {
        return qfflLearningRate;
    }

    public void setQfflLearningRate(Double qfflLearningRate) {
        this.qfflLearningRate = qfflLearningRate;
    }

    public Double getMinCompletionRateFit() {
        return minCompletionRateFit;
    }

    public void setMinCompletionRateFit(Double minCompletionRateFit) {
        this.minCompletionRateFit = minCompletionRateFit;
    }

    public Double getMinCompletionRateEvaluate() {
        return minCompletionRateEvaluate;
    }

    public void setMinCompletionRateEvaluate(Double minCompletionRateEvaluate) {
        this.minCompletionRateEvaluate = minCompletionRateEvaluate;
    }

    public Spill getSpill() {
        return spill;
    }

    public DifferentialPrivacy getDifferentialPrivacy() {
        return differentialPrivacy;
    }

    /** The built-in strategy's parameters beyond its options. */
    StrategyParameters parameters() {
        return new StrategyParameters(serverLearningRate, serverMomentum, proximalMu, eta, etaL, beta1, beta2, tau, beta,
                numMaliciousClients, numClientsToKeep, qParam, qfflLearningRate, minCompletionRateFit,
                minCompletionRateEvaluate, spill.settings());
    }

    /**
     * The strategy's options from these settings: unset values take the strategy's Flower default, except
     * {@code min-available-clients}, which defaults to the quorum ({@code quorumMinClients}), and the sampling
     * minimums, which do not exceed it.
     */
    StrategyOptions.Builder options(int quorumMinClients) {
        StrategyOptions.Builder options = name.defaultOptions();
        StrategyOptions defaults = options.build();
        int available = minAvailableClients != null ? minAvailableClients : quorumMinClients;
        options.minAvailableClients(available)
                .minFitClients(minFitClients != null ? minFitClients : Math.min(defaults.minFitClients(), available))
                .minEvaluateClients(minEvaluateClients != null ? minEvaluateClients
                        : Math.min(defaults.minEvaluateClients(), available))
                .acceptFailures(acceptFailures);
        if (fractionFit != null) {
            options.fractionFit(fractionFit);
        }
        if (fractionEvaluate != null) {
            options.fractionEvaluate(fractionEvaluate);
        }
        return options;
    }

    /** Checks the bound values once, so a wrong one fails start-up naming its key. */
    @Override
    public void afterPropertiesSet() {
        if (name == null) {
            throw new InvalidConfigurationPropertyValueException("fedlink.server.strategy.name", null,
                    "must name a built-in strategy: " + BuiltInStrategy.names());
        }
        Validation.fraction("fedlink.server.strategy.fraction-fit", fractionFit);
        Validation.fraction("fedlink.server.strategy.fraction-evaluate", fractionEvaluate);
        Validation.atLeast("fedlink.server.strategy.min-fit-clients", minFitClients, 1);
        Validation.atLeast("fedlink.server.strategy.min-evaluate-clients", minEvaluateClients, 1);
        Validation.atLeast("fedlink.server.strategy.min-available-clients", minAvailableClients, 1);
        if (minAvailableClients != null) {
            requireAtMostAvailable("fedlink.server.strategy.min-fit-clients", minFitClients);
            requireAtMostAvailable("fedlink.server.strategy.min-evaluate-clients", minEvaluateClients);
        }
        if (name == BuiltInStrategy.FED_PROX && proximalMu == null) {
            throw new InvalidConfigurationPropertyValueException("fedlink.server.strategy.proximal-mu", null,
                    "FedProx needs it: the weight of the proximal term its clients add to their loss (Flower has no"
                            + " default for it)");
        }
        Validation.fraction("fedlink.server.strategy.beta1", beta1);
        Validation.fraction("fedlink.server.strategy.beta2", beta2);
        Validation.fraction("fedlink.server.strategy.min-completion-rate-fit", minCompletionRateFit);
        Validation.fraction("fedlink.server.strategy.min-completion-rate-evaluate", minCompletionRateEvaluate);
        Validation.atLeast("fedlink.server.strategy.num-malicious-clients", numMaliciousClients, 0);
        Validation.atLeast("fedlink.server.strategy.num-clients-to-keep", numClientsToKeep, 0);
        differentialPrivacy.validate("fedlink.server.strategy.differential-privacy");
    }

    private void requireAtMostAvailable(String key, Integer value) {
        if (value != null && value > minAvailableClients) {
            throw new InvalidConfigurationPropertyValueException(key, value, "must not exceed"
                    + " fedlink.server.strategy.min-available-clients (" + minAvailableClients + "): a round would start"
                    + " with fewer clients connected than it samples");
        }
    }

    /**
     * Where the robust strategies (FedMedian, FedTrimmedAvg, Krum, Bulyan) keep a round's updates, under
     * {@code fedlink.server.strategy.spill}: on the heap up to a budget, then in a memory-mapped temporary file.
     */
    public static class Spill {

        /** Updates of one round kept on the heap at most; past it they all go to a temporary file, read back memory-mapped. */
        private DataSize heapBudget = DataSize.ofMegabytes(64);

        /** Where the temporary file goes (default: java.io.tmpdir); it is deleted when the round ends. */
        private Path directory;

        public DataSize getHeapBudget() {
            return heapBudget;
        }

        public void setHeapBudget(DataSize heapBudget) {
            this.heapBudget = heapBudget;
        }

        public Path getDirectory() {
            return directory;
        }

        public void setDirectory(Path directory) {
            this.directory = directory;
        }

        UpdateStore.Settings settings() {
            return new UpdateStore.Settings(heapBudget.toBytes(),
                    directory != null ? directory : UpdateStore.Settings.defaults().directory());
        }
    }

    /**
     * Server-side central differential privacy around the strategy, under
     * {@code fedlink.server.strategy.differential-privacy}, with the parameters of Flower's
     * {@code DifferentialPrivacyServerSideFixedClipping} and {@code DifferentialPrivacyServerSideAdaptiveClipping}.
     */
    public static class DifferentialPrivacy {

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
}
