#!/usr/bin/python3
"""NumPy reference implementations of the federated aggregation strategies fedlink ships, written from their
published definitions (not from fedlink's or Flower's code), to check fedlink's streamed and chunked Java versions.

Usage: strategy_reference.py <case directory>
Reads case.json (strategy, parameters, rounds, clients per round, failures per round) and the .npy inputs:
  initial_t<t>.npy                        the starting model, tensor by tensor
  r<r>_c<k>_t<t>.npy, r<r>_weights.npy    client k's model in round r and every client's num_examples (int64)
  r<r>_noise_t<t>.npy, r<r>_count_noise.npy  standard normal draws, for the DP mechanisms (noise is data here)
Writes out_r<r>_t<t>.npy (the model after round r, in each tensor's input dtype) and made.npy (int32: 1 if round r
made a new model, 0 if the model stayed). Computes in float64.
"""

import json
import math
import os
import sys

import numpy as np


def weighted_mean(models, weights):
    """FedAvg (McMahan et al. 2017): sum_k n_k w_k / sum_k n_k."""
    total = float(sum(weights))
    return [sum(m[t] * n for m, n in zip(models, weights)) / total for t in range(len(models[0]))]


def flat(model):
    return np.concatenate([t.ravel() for t in model])


class FedAvg:
    def __init__(self, p):
        self.accept_failures = p.get("accept_failures", True)

    def refuse(self, models, failures):
        return not models or (not self.accept_failures and failures > 0)

    def aggregate(self, r, current, models, weights, failures, data):
        if self.refuse(models, failures):
            return None
        return self.combine(r, current, models, weights, data)

    def combine(self, r, current, models, weights, data):
        return weighted_mean(models, weights)


class FedAvgM(FedAvg):
    """Hsu et al. 2019: pseudo-gradient g = w - mean; momentum v = beta v + g; w' = w - lr v."""

    def __init__(self, p):
        super().__init__(p)
        self.lr = p.get("server_learning_rate", 1.0)
        self.momentum = p.get("server_momentum", 0.0)
        self.v = None

    def combine(self, r, current, models, weights, data):
        mean = weighted_mean(models, weights)
        g = [w - m for w, m in zip(current, mean)]
        if self.momentum > 0:
            self.v = g if self.v is None else [self.momentum * v + x for v, x in zip(self.v, g)]
            g = self.v
        return [w - self.lr * x for w, x in zip(current, g)]


class FedOpt(FedAvg):
    """Reddi et al. 2021, Algorithm 2: delta = mean - w; m = b1 m + (1-b1) delta; v per optimizer;
    w' = w + eta_t m / (sqrt(v) + tau). FedAdam's eta_t is the bias-corrected step of Kingma & Ba
    (alpha sqrt(1 - b2^t) / (1 - b1^t)) with t = round + 1, as Flower documents it."""

    def __init__(self, p, kind):
        super().__init__(p)
        self.kind = kind
        self.eta, self.b1, self.b2, self.tau = p["eta"], p["beta_1"], p["beta_2"], p["tau"]
        self.m = self.v = None

    def combine(self, r, current, models, weights, data):
        mean = weighted_mean(models, weights)
        delta = [m - w for m, w in zip(mean, current)]
        if self.m is None:
            self.m = [np.zeros_like(d) for d in delta]
            self.v = [np.zeros_like(d) for d in delta]
        self.m = [self.b1 * m + (1 - self.b1) * d for m, d in zip(self.m, delta)]
        if self.kind == "adagrad":
            self.v = [v + d * d for v, d in zip(self.v, delta)]
        elif self.kind == "adam":
            self.v = [self.b2 * v + (1 - self.b2) * d * d for v, d in zip(self.v, delta)]
        else:  # yogi
            self.v = [v - (1 - self.b2) * d * d * np.sign(v - d * d) for v, d in zip(self.v, delta)]
        step = self.eta
        if self.kind == "adam":
            step = self.eta * math.sqrt(1 - self.b2 ** (r + 1)) / (1 - self.b1 ** (r + 1))
        return [w + step * m / (np.sqrt(v) + self.tau) for w, m, v in zip(current, self.m, self.v)]


class FedMedian(FedAvg):
    """Yin et al. 2018: the coordinate-wise median, unweighted."""

    def combine(self, r, current, models, weights, data):
        return [np.median(np.stack([m[t] for m in models]), axis=0) for t in range(len(current))]


class FedTrimmedAvg(FedAvg):
    """Yin et al. 2018: per coordinate, drop the int(beta n) smallest and largest values, average the rest."""

    def __init__(self, p):
        super().__init__(p)
        self.beta = p.get("beta", 0.2)

    def combine(self, r, current, models, weights, data):
        n = len(models)
        cut = int(self.beta * n)
        out = []
        for t in range(len(current)):
            values = np.sort(np.stack([m[t] for m in models]), axis=0)
            out.append(values[cut:n - cut].mean(axis=0))
        return out


def krum_scores(vectors, candidates, f):
    """Blanchard et al. 2017: score(i) = sum of squared distances to its n - f - 2 closest (at least 1) others."""
    n = len(candidates)
    closest = max(1, n - f - 2)
    scores = []
    for i in candidates:
        d = sorted(float(np.sum((vectors[i] - vectors[j]) ** 2)) for j in candidates if j != i)
        scores.append(sum(d[:closest]))
    return scores


class Krum(FedAvg):
    """Krum picks the update of lowest score; multi-Krum averages (by num_examples) the `keep` lowest-scored."""

    def __init__(self, p):
        super().__init__(p)
        self.f = p.get("num_malicious_clients", 0)
        self.keep = p.get("num_clients_to_keep", 0)

    def combine(self, r, current, models, weights, data):
        vectors = [flat(m) for m in models]
        scores = krum_scores(vectors, list(range(len(models))), self.f)
        order = sorted(range(len(models)), key=lambda i: (scores[i], i))
        if self.keep > 0:
            kept = order[:self.keep]
            return weighted_mean([models[i] for i in kept], [weights[i] for i in kept])
        return [t.copy() for t in models[order[0]]]


class Bulyan(FedAvg):
    """El Mhamdi et al. 2018: theta = n - 2f updates chosen by Krum one at a time from the rest; per coordinate, the
    mean of the beta = theta - 2f chosen values closest to their median. Needs n >= 4f + 3."""

    def __init__(self, p):
        super().__init__(p)
        self.f = p.get("num_malicious_clients", 0)

    def combine(self, r, current, models, weights, data):
        n, f = len(models), self.f
        if n < 4 * f + 3:
            return None
        vectors = [flat(m) for m in models]
        remaining = list(range(n))
        chosen = []
        for _ in range(n - 2 * f):
            scores = krum_scores(vectors, remaining, f)
            best = remaining[int(np.argmin(scores))]
            chosen.append(best)
            remaining.remove(best)
        beta = len(chosen) - 2 * f
        out = []
        for t in range(len(current)):
            values = np.stack([models[i][t] for i in chosen])
            median = np.median(values, axis=0)
            order = np.argsort(np.abs(values - median), axis=0, kind="stable")
            closest = np.take_along_axis(values, order[:beta], axis=0)
            out.append(closest.mean(axis=0))
        return out


def central_loss(model):
    """The test's centralized evaluation: 0.5 + the mean square of every element."""
    v = flat(model)
    return 0.5 + float(np.mean(v * v))


class QFedAvg(FedAvg):
    """Li et al. 2020 (q-FFL with a Lipschitz estimate): g_k = (w - w_k) / lr, Delta_k = L^q g_k,
    h_k = q L^(q-1) ||g_k||^2 + L^q / lr, w' = w - sum Delta_k / sum h_k; L is the starting model's loss."""

    def __init__(self, p):
        super().__init__(p)
        self.q = p.get("q_param", 0.2)
        self.lr = p.get("qffl_learning_rate", 0.1)

    def combine(self, r, current, models, weights, data):
        loss = central_loss(current) + 1e-10
        deltas, hs = [], []
        for m in models:
            g = [(w - x) / self.lr for w, x in zip(current, m)]
            deltas.append([loss ** self.q * x for x in g])
            hs.append(self.q * loss ** (self.q - 1) * float(np.sum(flat(g) ** 2)) + loss ** self.q / self.lr)
        total = sum(hs)
        return [w - sum(d[t] for d in deltas) / total for t, w in enumerate(current)]


class FaultTolerantFedAvg(FedAvg):
    """FedAvg that aggregates only when at least min_completion_rate_fit of the clients asked returned a result."""

    def __init__(self, p):
        super().__init__(p)
        self.rate = p.get("min_completion_rate_fit", 0.5)

    def refuse(self, models, failures):
        return not models or len(models) / (len(models) + failures) < self.rate


def clip(current, model, norm):
    """McMahan et al. 2018 (flat clipping): w + Delta min(1, C / ||Delta||), Delta = w_k - w over all tensors."""
    delta = [x - w for x, w in zip(model, current)]
    size = math.sqrt(float(np.sum(flat(delta) ** 2)))
    factor = min(1.0, norm / size) if size > 0 else 1.0
    return [w + factor * d for w, d in zip(current, delta)], size


class DpFixed(FedAvg):
    """Central DP with fixed clipping (McMahan et al. 2018): clip every update to C, aggregate with FedAvg, add
    N(0, (z C / m)^2) to every element. Rounds with failures make no model."""

    def __init__(self, p):
        self.z, self.c, self.m = p["noise_multiplier"], p["clipping_norm"], p["num_sampled_clients"]
        self.inner = FedAvg({})

    def aggregate(self, r, current, models, weights, failures, data):
        if failures > 0 or not models:
            return None
        clipped = [clip(current, x, self.c)[0] for x in models]
        mean = weighted_mean(clipped, weights)
        std = self.z * self.c / self.m
        return [a + std * data[f"r{r}_noise_t{t}"] for t, a in enumerate(mean)]


class DpAdaptive(FedAvg):
    """Central DP with adaptive clipping (Andrew et al. 2021, Algorithm 1): clip to C, aggregate, add noise with
    z_Delta = (z^-2 - (2 sigma_b)^-2)^-1/2; then b~ = (#unclipped + sigma_b N(0,1)) / K and
    C <- C exp(-eta_C (b~ - gamma)), gamma = 1 - the target share of clipped updates."""

    def __init__(self, p):
        z, self.m = p["noise_multiplier"], p["num_sampled_clients"]
        self.c = p.get("initial_clipping_norm", 0.1)
        self.gamma = 1 - p.get("target_clipped_quantile", 0.5)
        self.eta_c = p.get("clip_norm_lr", 0.2)
        sigma_b = p.get("clipped_count_stddev")
        if sigma_b is None:
            sigma_b = self.m / 20 if z > 0 else 0.0
        self.sigma_b = sigma_b
        self.z = (z ** -2 - (2 * sigma_b) ** -2) ** -0.5 if z > 0 else 0.0

    def aggregate(self, r, current, models, weights, failures, data):
        if failures > 0 or not models:
            return None
        results = [clip(current, x, self.c) for x in models]
        unclipped = sum(1 for _, size in results if size <= self.c)
        mean = weighted_mean([x for x, _ in results], weights)
        std = self.z * self.c / self.m
        noisy = [a + std * data[f"r{r}_noise_t{t}"] for t, a in enumerate(mean)]
        share = (unclipped + self.sigma_b * float(data[f"r{r}_count_noise"])) / len(models)
        self.c *= math.exp(-self.eta_c * (share - self.gamma))
        return noisy


STRATEGIES = {
    "FedAvg": FedAvg, "FedProx": FedAvg, "FedAvgM": FedAvgM,
    "FedAdagrad": lambda p: FedOpt(p, "adagrad"), "FedAdam": lambda p: FedOpt(p, "adam"),
    "FedYogi": lambda p: FedOpt(p, "yogi"), "FedMedian": FedMedian, "FedTrimmedAvg": FedTrimmedAvg,
    "Krum": Krum, "Bulyan": Bulyan, "QFedAvg": QFedAvg, "FaultTolerantFedAvg": FaultTolerantFedAvg,
    "DpFixed": DpFixed, "DpAdaptive": DpAdaptive,
}


def main():
    directory = sys.argv[1]
    with open(os.path.join(directory, "case.json")) as f:
        case = json.load(f)

    def load(name):
        return np.load(os.path.join(directory, name + ".npy"))

    tensors = case["tensors"]
    dtypes = [load(f"initial_t{t}").dtype for t in range(tensors)]
    current = [load(f"initial_t{t}").astype(np.float64) for t in range(tensors)]
    strategy = STRATEGIES[case["strategy"]](case["params"])
    made = []
    for r in range(1, case["rounds"] + 1):
        data = {}
        for t in range(tensors):
            if os.path.exists(os.path.join(directory, f"r{r}_noise_t{t}.npy")):
                data[f"r{r}_noise_t{t}"] = load(f"r{r}_noise_t{t}")
        if os.path.exists(os.path.join(directory, f"r{r}_count_noise.npy")):
            data[f"r{r}_count_noise"] = load(f"r{r}_count_noise")[0]
        weights = [int(w) for w in load(f"r{r}_weights")]
        models = [[load(f"r{r}_c{k}_t{t}").astype(np.float64) for t in range(tensors)] for k in range(len(weights))]
        result = strategy.aggregate(r, current, models, weights, case["failures"][r - 1], data)
        made.append(0 if result is None else 1)
        if result is not None:
            # the model goes on the wire in its dtype each round, as fedlink's does
            current = [np.asarray(x).astype(d).astype(np.float64) for x, d in zip(result, dtypes)]
        for t in range(tensors):
            np.save(os.path.join(directory, f"out_r{r}_t{t}.npy"), current[t].astype(dtypes[t]))
    np.save(os.path.join(directory, "made.npy"), np.array(made, dtype=np.int32))
    print("reference", case["strategy"], "rounds", case["rounds"], "made", made)


if __name__ == "__main__":
    main()
