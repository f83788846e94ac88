package io.fedlink.relay;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a root strategy gives the same model through relays as over the same clients without them. A relay answers
 * with the weighted mean of its clients' updates and the sum of their {@code num_examples}; a weighted mean of such
 * means is the weighted mean of all updates, so every strategy whose aggregate is a function of that mean is exact
 * (to float32 rounding). A strategy that needs each client's update apart (a median, a trimmed mean, distances between
 * updates, a per-client loss or clipping) sees one update per relay instead, and is not. Strategies are named as in
 * Flower; names this table does not know are {@link #of} empty.
 */
public enum StrategyComposition {

    FED_AVG("FedAvg", true, "the root averages the relays' means weighted by their example counts, which is the mean of all"),
    FED_AVG_M("FedAvgM", true, "server momentum acts on the weighted mean of all updates"),
    FED_PROX("FedProx", true, "FedAvg's aggregate; proximal_mu reaches the clients in the fit_ins config, which relays pass on"),
    FED_OPT("FedOpt", true, "the server optimizer acts on the weighted mean of all updates"),
    FED_ADAGRAD("FedAdagrad", true, "the server optimizer acts on the weighted mean of all updates"),
    FED_ADAM("FedAdam", true, "the server optimizer acts on the weighted mean of all updates"),
    FED_YOGI("FedYogi", true, "the server optimizer acts on the weighted mean of all updates"),
    FED_MEDIAN("FedMedian", false, "a median of the relays' means is not the median of the clients' updates"),
    FED_TRIMMED_AVG("FedTrimmedAvg", false, "it trims whole relays' means, not the extreme clients"),
    KRUM("Krum", false, "it scores distances between relays' means, and one bad client is averaged into its relay's"),
    BULYAN("Bulyan", false, "it runs Krum and a trimmed mean over relays' means, not over clients' updates"),
    QFED_AVG("QFedAvg", false, "it weights each client's update by that client's own loss, which a relay's mean hides"),
    FAULT_TOLERANT_FED_AVG("FaultTolerantFedAvg", false, "the mean is exact, but its completion rate counts relays, not"
            + " clients (a relay answers for all its clients or fails for all)"),
    DP_FIXED_CLIPPING("DifferentialPrivacyServerSideFixedClipping", false, "it clips each relay's mean, not each"
            + " client's update, so the privacy guarantee is not the one configured"),
    DP_ADAPTIVE_CLIPPING("DifferentialPrivacyServerSideAdaptiveClipping", false, "it clips each relay's mean, not each"
            + " client's update, so the privacy guarantee is not the one configured");

    private final String flowerName;
    private final boolean exact;
    private final String why;

    StrategyComposition(String flowerName, boolean exact, String why) {
        this.flowerName = flowerName;
        this.exact = exact;
        this.why = why;
    }

    /** The strategy's Flower name. */
    public String flowerName() {
        return flowerName;
    }

    /** Whether the root's model through relays equals the model without them (to float32 rounding). */
    public boolean exact() {
        return exact;
    }

    /** Why it is exact or not, one clause. */
    public String why() {
        return why;
    }

    /**
     * The entry for a strategy named as in Flower; case, {@code _} and {@code -} are ignored ({@code fed-avg},
     * {@code FED_AVG} and {@code FedAvg} are the same).
     */
    public static Optional<StrategyComposition> of(String name) {
        String wanted = normalise(name);
        return Arrays.stream(values()).filter(entry -> normalise(entry.flowerName).equals(wanted)
                || normalise(entry.name()).equals(wanted)).findFirst();
    }

    private static String normalise(String name) {
        return name == null ? "" : name.replaceAll("[-_\\s]", "").toLowerCase(Locale.ROOT);
    }
}
