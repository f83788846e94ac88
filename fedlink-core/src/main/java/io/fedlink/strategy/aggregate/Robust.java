package io.fedlink.strategy.aggregate;

import io.fedlink.proto.Parameters;
import io.fedlink.tensor.DType;
import io.fedlink.tensor.NpyHeader;
import io.fedlink.tensor.ParametersCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The robust aggregates (Flower's {@code aggregate_median}, {@code aggregate_trimmed_avg}, {@code aggregate_krum},
 * {@code aggregate_bulyan}), computed over an {@link UpdateStore} one chunk of coordinates at a time: at most
 * {@value #CHUNK_VALUES} values of the updates are gathered at once, whatever the model's size and the number of
 * clients, and each result tensor is written straight into its {@code .npy} bytes. Every aggregate has each tensor's
 * dtype; the arithmetic is in double.
 */
public final class Robust {

    /** Values gathered at once: the updates' elements of one chunk of coordinates (8 MB of doubles). */
    static final int CHUNK_VALUES = 1 << 20;

    private Robust() {
    }

    /**
     * What to make of one coordinate's values: one per selected update in {@code values[0..n)} (which it may
     * reorder), {@code updates[s]} being the update value {@code s} came from.
     */
    @FunctionalInterface
    private interface Coordinate {
        double reduce(double[] values, int n, int[] updates);
    }

    /** The coordinate-wise median of the updates, unweighted ({@code numpy.median} over the clients). */
    public static Parameters median(UpdateStore store) {
        return coordinatewise(store, all(store), (values, n, updates) -> median(values, n));
    }

    /**
     * The coordinate-wise trimmed mean (Flower's {@code _trim_mean}, after SciPy's {@code trim_mean}): the
     * {@code int(proportionToCut * n)} lowest and as many highest values of each coordinate are dropped, the rest
     * averaged.
     *
     * @throws IllegalArgumentException if the proportion cuts every value ("Proportion too big.")
     */
    public static Parameters trimmedMean(UpdateStore store, double proportionToCut) {
        int n = store.size();
        int lowerCut = (int) (proportionToCut * n);
        int upperCut = n - lowerCut;
        if (lowerCut >= upperCut) {
            throw new IllegalArgumentException("Proportion too big: beta " + proportionToCut + " cuts all of " + n
                    + " values of each coordinate");
        }
        return coordinatewise(store, all(store), (values, count, updates) -> {
            Arrays.sort(values, 0, count);
            double sum = 0;
            for (int i = lowerCut; i < upperCut; i++) {
                sum += values[i];
            }
            return sum / (upperCut - lowerCut);
        });
    }

    /**
     * The squared Euclidean distances between every two updates, over all their tensors flattened
     * (Flower's {@code _compute_distances}).
     */
    public static double[][] squaredDistances(UpdateStore store) {
        int n = store.size();
        double[][] distances = new double[n][n];
        TensorLayout layout = store.layout();
        for (int t = 0; t < layout.size(); t++) {
            NpyHeader tensor = layout.tensor(t);
            int chunk = chunk(n);
            double[][] values = new double[n][chunk];
            for (int from = 0; from < tensor.size(); from += chunk) {
                int count = Math.min(chunk, tensor.size() - from);
                for (int k = 0; k < n; k++) {
                    read(store, k, t, from, count, values[k]);
                }
                int width = count;
                IntStream.range(0, n).parallel().forEach(i -> {
                    double[] row = values[i];
                    for (int j = i + 1; j < n; j++) {
                        double[] other = values[j];
                        double sum = 0;
                        for (int e = 0; e < width; e++) {
                            double d = row[e] - other[e];
                            sum += d * d;
                        }
                        distances[i][j] += sum;
                    }
                });
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                distances[i][j] = distances[j][i];
            }
        }
        return distances;
    }

    /**
     * Krum scores of the updates in {@code candidates} (indices into the distance matrix): each one's sum of squared
     * distances to its {@code max(1, n - numMalicious - 2)} closest other candidates.
     */
    public static double[] krumScores(double[][] distances, int[] candidates, int numMalicious) {
        int n = candidates.length;
        int closest = Math.max(1, n - numMalicious - 2);
        double[] scores = new double[n];
        double[] others = new double[Math.max(0, n - 1)];
        for (int a = 0; a < n; a++) {
            int m = 0;
            for (int b = 0; b < n; b++) {
                if (b != a) {
                    others[m++] = distances[candidates[a]][candidates[b]];
                }
            }
            Arrays.sort(others, 0, m);
            double score = 0;
            for (int c = 0; c < Math.min(closest, m); c++) {
                score += others[c];
            }
            scores[a] = score;
        }
        return scores;
    }

    /**
     * Krum (Blanchard et al., Flower's {@code aggregate_krum}): the update with the lowest Krum score, as it was
     * sent; with {@code toKeep > 0} (multi-Krum) the mean weighted by {@code num_examples} of the {@code toKeep}
     * updates with the lowest scores.
     */
    public static Parameters krum(UpdateStore store, int numMalicious, int toKeep) {
        int[] everyone = all(store);
        double[] scores = krumScores(squaredDistances(store), everyone, numMalicious);
        Integer[] order = IntStream.range(0, everyone.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        if (toKeep > 0) {
            int[] kept = new int[Math.min(toKeep, order.length)];
            for (int i = 0; i < kept.length; i++) {
                kept[i] = order[i];
            }
            return weightedMean(store, kept);
        }
        return copy(store, order[0]);
    }

    /**
     * Bulyan (El Mhamdi et al., Flower's {@code aggregate_bulyan} with Krum as its first rule): {@code n - 2f}
     * updates chosen by Krum one after the other, each time from those not yet chosen; then, coordinate by
     * coordinate, the mean of the {@code n - 4f} chosen values closest to their median.
     *
     * @throws IllegalArgumentException if there are fewer than {@code 4f + 3} updates
     */
    public static Parameters bulyan(UpdateStore store, int numMalicious) {
        int n = store.size();
        if (n < 4 * numMalicious + 3) {
            throw new IllegalArgumentException("Bulyan needs at least 4 x num-malicious-clients + 3 = "
                    + (4 * numMalicious + 3) + " updates, the round has " + n);
        }
        double[][] distances = squaredDistances(store);
        int theta = n - 2 * numMalicious;
        int beta = theta - 2 * numMalicious;
        int[] remaining = all(store);
        int[] selected = new int[theta];
        for (int s = 0; s < theta; s++) {
            double[] scores = krumScores(distances, remaining, numMalicious);
            int best = 0;
            for (int a = 1; a < remaining.length; a++) {
                if (scores[a] < scores[best]) {
                    best = a;
                }
            }
            selected[s] = remaining[best];
            int[] rest = new int[remaining.length - 1];
            System.arraycopy(remaining, 0, rest, 0, best);
            System.arraycopy(remaining, best + 1, rest, best, remaining.length - best - 1);
            remaining = rest;
        }
        return coordinatewise(store, selected, (values, count, updates) -> closestToMedianMean(values, count, beta));
    }

    /** The mean of the {@code beta} values closest to their median (Flower's {@code _aggregate_n_closest_weights}). */
    static double closestToMedianMean(double[] values, int n, int beta) {
        Arrays.sort(values, 0, n);
        double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
        // in sorted values the ones closest to the median are a contiguous run around it
        int right = n / 2;
        int left = right - 1;
        double sum = 0;
        for (int taken = 0; taken < beta; taken++) {
            if (left < 0 || (right < n && values[right] - median < median - values[left])) {
                sum += values[right++];
            } else {
                sum += values[left--];
            }
        }
        return sum / beta;
    }

    /** The median of {@code values[0..n)} (the mean of the two middle ones for even n); reorders them. */
    static double median(double[] values, int n) {
        int upper = n / 2;
        double high = select(values, n, upper);
        if (n % 2 == 1) {
            return high;
        }
        double low = values[0]; // after select, values[0..upper) are the lower half: the middle one is their largest
        for (int i = 1; i < upper; i++) {
            low = Math.max(low, values[i]);
        }
        return (low + high) / 2;
    }

    /** The {@code k}-th smallest of {@code values[0..n)} (Hoare's quickselect); leaves smaller ones before it. */
    private static double select(double[] values, int n, int k) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            double pivot = values[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (values[i] < pivot) {
                    i++;
                }
                while (values[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    double swap = values[i];
                    values[i++] = values[j];
                    values[j--] = swap;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                break;
            }
        }
        return values[k];
    }

    /** The mean of the selected updates weighted by {@code num_examples}, as Flower's {@code aggregate}. */
    static Parameters weightedMean(UpdateStore store, int[] selected) {
        double total = 0;
        for (int k : selected) {
            total += store.weight(k);
        }
        double sum = total;
        return coordinatewise(store, selected, (values, n, updates) -> {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += values[i] * store.weight(updates[i]);
            }
            return mean / sum;
        });
    }

    /** Update {@code k}, byte for byte as stored (its tensors' own dtypes). */
    static Parameters copy(UpdateStore store, int k) {
        TensorLayout layout = store.layout();
        Parameters.Builder result = Parameters.newBuilder().setTensorType(ParametersCodec.NUMPY_TENSOR_TYPE);
        for (int t = 0; t < layout.size(); t++) {
            OutputTensor tensor = new OutputTensor(layout.tensor(t));
            tensor.copy(store.tensor(k, t), 0);
            result.addTensors(tensor.bytes());
        }
        return result.build();
    }

    private static Parameters coordinatewise(UpdateStore store, int[] selected, Coordinate coordinate) {
        TensorLayout layout = store.layout();
        int n = selected.length;
        Parameters.Builder result = Parameters.newBuilder().setTensorType(ParametersCodec.NUMPY_TENSOR_TYPE);
        int chunk = chunk(n);
        double[][] values = new double[n][chunk];
        double[] column = new double[n];
        for (int t = 0; t < layout.size(); t++) {
            OutputTensor tensor = new OutputTensor(layout.tensor(t));
            int size = layout.tensor(t).size();
            for (int from = 0; from < size; from += chunk) {
                int count = Math.min(chunk, size - from);
                for (int s = 0; s < n; s++) {
                    read(store, selected[s], t, from, count, values[s]);
                }
                for (int e = 0; e < count; e++) {
                    for (int s = 0; s < n; s++) {
                        column[s] = values[s][e];
                    }
                    tensor.set(from + e, coordinate.reduce(column, n, selected));
                }
            }
            result.addTensors(tensor.bytes());
        }
        return result.build();
    }

    private static int chunk(int updates) {
        return Math.max(1, CHUNK_VALUES / Math.max(1, updates));
    }

    private static int[] all(UpdateStore store) {
        return IntStream.range(0, store.size()).toArray();
    }

    /** Elements {@code [from, from + count)} of tensor {@code t} of update {@code k}, widened to double. */
    private static void read(UpdateStore store, int k, int t, int from, int count, double[] into) {
        ByteBuffer data = store.tensor(k, t);
        DType dtype = store.layout().tensor(t).dtype();
        if (dtype == DType.FLOAT32) {
            for (int e = 0; e < count; e++) {
                into[e] = data.getFloat((from + e) * 4);
            }
            return;
        }
        for (int e = 0; e < count; e++) {
            into[e] = dtype.get(data, from + e);
        }
    }
}
