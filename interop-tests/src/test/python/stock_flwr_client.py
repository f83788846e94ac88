#!/usr/bin/env python3
"""A client written against the real `flwr` 1.x package (grpc-bidi transport), run by StockFlowerClientContainerTests
in a python:3.11 container after `pip install "flwr==1.5.*"`. It is not run on the host (flwr is not installed
there); flower_like_client.py covers the same wire behaviour with Debian's Python.

Usage: stock_flwr_client.py HOST:PORT
"""

import sys

import flwr as fl
import numpy as np

DIM = 8


class LogisticRegressionClient(fl.client.NumPyClient):

    def __init__(self):
        rng = np.random.default_rng(7)
        true_w = rng.normal(size=DIM)
        self.x = rng.normal(size=(200, DIM)).astype(np.float32)
        self.y = (self.x @ true_w > 0).astype(np.float32)

    def _predict(self, w, b):
        return 1.0 / (1.0 + np.exp(-(self.x @ w + b)))

    def _loss(self, p):
        return float(-np.mean(self.y * np.log(p + 1e-7) + (1 - self.y) * np.log(1 - p + 1e-7)))

    def get_properties(self, config):
        return {"language": "python", "flwr": fl.__version__}

    def get_parameters(self, config):
        return [np.zeros(DIM, dtype=np.float32), np.zeros(1, dtype=np.float32)]

    def fit(self, parameters, config):
        w, b = parameters[0].astype(np.float32), parameters[1].astype(np.float32)
        for _ in range(int(config.get("local_steps", 5))):
            error = self._predict(w, b) - self.y
            w = w - (0.5 * self.x.T @ error / len(self.y)).astype(np.float32)
            b = b - np.float32(0.5 * error.mean())
        return [w, b], len(self.y), {"train_loss": self._loss(self._predict(w, b))}

    def evaluate(self, parameters, config):
        p = self._predict(parameters[0], parameters[1])
        return self._loss(p), len(self.y), {"accuracy": float(np.mean((p > 0.5) == self.y))}


if __name__ == "__main__":
    fl.client.start_numpy_client(server_address=sys.argv[1], client=LogisticRegressionClient())
