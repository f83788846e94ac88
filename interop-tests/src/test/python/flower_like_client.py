#!/usr/bin/python3
"""A federated-learning client that speaks Flower 1.x's grpc-bidi protocol the way a stock Flower client does.

It opens FlowerService.Join on --target, sends NOTHING first (no hand-shake), and answers each instruction
the server sends: get_parameters_ins, get_properties_ins, fit_ins (logistic-regression gradient descent on a
local synthetic partition), evaluate_ins (metric "accuracy") and reconnect_ins. Tensors travel as NumPy .npy
bytes ("numpy.ndarray"). Like Flower, the channel allows 512 MiB messages in both directions, and
reconnect_ins{seconds: 0} means "disconnect and shut down" while seconds > 0 means "hang up, wait, join again"
(flwr.client.start_client's loop).

Config keys understood by fit_ins: learning_rate (double), and either local_epochs (mini-batch epochs of 32
examples, as fedlink's sample client trains) or local_steps (full-batch steps; default 5).

Values cross the wire as Flower converts them: a Scalar becomes a Python value (double -> float, uint64 and
sint64 -> int, bool, string -> str, bytes) and a Python value becomes a Scalar (float -> double, int -> sint64,
bool, str -> string, bytes). --echo-config answers with the config it received, converted both ways, to check
what survives a trip through a Flower client.

Only grpcio, protobuf and numpy are needed (Debian: python3-grpcio python3-protobuf python3-numpy). The
stubs for flwr.proto are generated from the project's transport.proto at test time and put on PYTHONPATH.

stdout gets one line per event, for tests to follow:
  JOINING <target>
  HANDLED <instruction> -> <reply> key=value ...
  SERVER-CLOSED | STREAM-FAILED <code> <details> | HUNG-UP <instruction> | RECONNECTING <seconds>
  SHUTDOWN (after reconnect_ins{seconds: 0}) | EXIT <code>

Tensors after the first two (weights, bias) are treated as frozen layers: decoded with numpy.load and sent back
unchanged with numpy.save, so large models can be exercised without large training data.

Exit codes: 0 after reconnect_ins{seconds: 0} (or any reconnect_ins with --on-reconnect exit) or a normal end of
the stream by the server, 2 if the stream failed, 4 if --max-seconds passed.
"""

import argparse
import os
import queue
import sys
import threading
import time

import grpc
import numpy as np

from flwr.proto import transport_pb2 as pb
from peer_common import bytes_to_ndarray, say, to_parameters
from flwr.proto import transport_pb2_grpc as pb_grpc

GRPC_MAX_MESSAGE_LENGTH = 536_870_912  # Flower's default: 512 MiB

MISBEHAVIOURS = {
    "none": "behave",
    "wrong-case": "answer fit_ins with an evaluate_res",
    "hang-up-during-fit": "close the channel on fit_ins without replying, then exit",
    "hang-up-on-reconnect": "close the channel on reconnect_ins without replying (what a racing Flower client looks like)",
    "silent": "never answer anything",
    "handshake": "send an empty ClientMessage first, as fedlink's seed clients do (stock Flower does not)",
}




def from_parameters(parameters):
    return [bytes_to_ndarray(t) for t in parameters.tensors]


def scalar_value(scalar):
    kind = scalar.WhichOneof("scalar")
    return None if kind is None else getattr(scalar, kind)


SINT64_RANGE = range(-2**63, 2**63)


def scalar(value):
    """Python value -> Scalar, with Flower's mapping (int -> sint64, float -> double).

    An int outside the sint64 range (a uint64 above 2^63 - 1 that came in) goes back as uint64: Flower itself
    would fail to serialise it.
    """
    if isinstance(value, bool):
        return pb.Scalar(bool=value)
    if isinstance(value, int):
        return pb.Scalar(sint64=value) if value in SINT64_RANGE else pb.Scalar(uint64=value)
    if isinstance(value, float):
        return pb.Scalar(double=value)
    if isinstance(value, bytes):
        return pb.Scalar(bytes=value)
    return pb.Scalar(string=str(value))


def config_dict(config):
    return {key: scalar_value(value) for key, value in config.items()}


def python_view(value):
    """How Python sees a decoded Scalar: "<type>:<repr>", e.g. "int:18446744073709551615" or "float:nan"."""
    return f"{type(value).__name__}:{value!r}"


OK = pb.Status(code=pb.Code.OK, message="Success")


class LogisticRegressionTask:
    """Binary logistic regression on a synthetic partition; every partition of one --seed shares the true model."""

    BATCH_SIZE = 32

    def __init__(self, partition, seed, num_examples, true_model=None):
        self.partition = partition
        self.seed = seed
        self.num_examples = num_examples
        self.true_model = true_model
        self._data = {}

    def data(self, dim):
        if dim not in self._data:
            if self.true_model is None:
                true_w, true_b = np.random.default_rng(self.seed).normal(size=dim), 0.0
            elif len(self.true_model) != dim + 1:
                raise ValueError(f"--true-model has {len(self.true_model)} values but the model has {dim} weights"
                                 " and a bias")
            else:
                true_w, true_b = np.array(self.true_model[:-1]), self.true_model[-1]
            rng = np.random.default_rng([self.seed, self.partition])
            n = self.num_examples
            x = rng.normal(size=(2 * n, dim)).astype(np.float32)
            logits = x @ true_w + true_b + 0.5 * rng.normal(size=2 * n)
            y = (logits > 0).astype(np.float32)
            self._data[dim] = (x[:n], y[:n], x[n:], y[n:])
        return self._data[dim]

    @staticmethod
    def _forward(w, b, x):
        return 1.0 / (1.0 + np.exp(-(x @ w + b)))

    @staticmethod
    def _loss(p, y):
        eps = 1e-7
        return float(-np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)))

    def fit(self, w, b, lr, steps=None, epochs=None):
        """Full-batch gradient descent for `steps`, or mini-batch (32) gradient descent for `epochs`."""
        x, y, _, _ = self.data(w.shape[0])
        w = w.astype(np.float32).copy()
        b = b.astype(np.float32).copy()
        if epochs is not None:
            batches = [(start, start + self.BATCH_SIZE) for start in range(0, len(y), self.BATCH_SIZE)] * epochs
        else:
            batches = [(0, len(y))] * steps
        for start, end in batches:
            xb, yb = x[start:end], y[start:end]
            error = self._forward(w, b, xb) - yb
            w -= (lr * (xb.T @ error) / len(yb)).astype(np.float32)
            b -= np.float32(lr * error.mean())
        p = self._forward(w, b, x)
        return w, b, self._loss(p, y), float(np.mean((p > 0.5) == y))

    def evaluate(self, w, b):
        _, _, x, y = self.data(w.shape[0])
        p = self._forward(w.astype(np.float32), b.astype(np.float32), x)
        return self._loss(p, y), float(np.mean((p > 0.5) == y)), len(y)


class FlowerLikeClient:

    def __init__(self, args):
        self.args = args
        self.task = LogisticRegressionTask(args.partition, args.seed, args.num_examples, args.true_model)

    # --- instruction handlers: each returns (ClientMessage, summary) ---

    def get_parameters(self, ins):
        w = np.zeros(self.args.model_dim, dtype=np.float32)
        b = np.zeros(1, dtype=np.float32)
        res = pb.ClientMessage.GetParametersRes(status=OK, parameters=to_parameters([w, b]))
        return pb.ClientMessage(get_parameters_res=res), f"tensors=2 model_dim={self.args.model_dim}"

    def get_properties(self, ins):
        properties = {
            "language": "python",
            "partition": self.args.partition,
            "model_dim": self.args.model_dim,
            "numpy": np.__version__,
            "grpc": grpc.__version__,
        }
        res = pb.ClientMessage.GetPropertiesRes(
            status=OK, properties={key: scalar(value) for key, value in properties.items()})
        return pb.ClientMessage(get_properties_res=res), f"properties={len(properties)}"

    def fit(self, ins):
        arrays = from_parameters(ins.parameters)
        config = config_dict(ins.config)
        lr = float(config.get("learning_rate", 0.5))
        if "local_epochs" in config:
            epochs, steps = int(config["local_epochs"]), None
            schedule = f"epochs={epochs}"
        else:
            epochs, steps = None, int(config.get("local_steps", 5))
            schedule = f"steps={steps}"
        w, b, loss, accuracy = self.task.fit(arrays[0], arrays[1], lr, steps=steps, epochs=epochs)
        frozen = arrays[2:]
        metrics = {"train_loss": scalar(loss), "train_accuracy": scalar(accuracy), "partition": scalar(self.args.partition)}
        res = pb.ClientMessage.FitRes(status=OK, parameters=to_parameters([w, b] + frozen),
                                      num_examples=self.args.num_examples, metrics=metrics)
        total = sum(len(t) for t in res.parameters.tensors)
        return (pb.ClientMessage(fit_res=res),
                f"tensors={len(arrays)} bytes={total} num_examples={self.args.num_examples} "
                f"{schedule} train_loss={loss:.4f}")

    def evaluate(self, ins):
        arrays = from_parameters(ins.parameters)
        loss, accuracy, n = self.task.evaluate(arrays[0], arrays[1])
        res = pb.ClientMessage.EvaluateRes(status=OK, loss=loss, num_examples=n,
                                           metrics={"accuracy": scalar(accuracy)})
        return pb.ClientMessage(evaluate_res=res), f"loss={loss:.4f} accuracy={accuracy:.4f} num_examples={n}"

    # --- --echo-config: answer with what arrived, converted as Flower converts it ---

    @staticmethod
    def echo_status(config):
        message = config.get("status_message", "Success")
        return pb.Status(code=pb.Code.OK, message=message if isinstance(message, str) else python_view(message))

    def echo_get_parameters(self, ins):
        res = pb.ClientMessage.GetParametersRes(status=self.echo_status(config_dict(ins.config)),
                                                parameters=pb.Parameters(tensors=[], tensor_type="numpy.ndarray"))
        return pb.ClientMessage(get_parameters_res=res), "tensors=0 (empty model)"

    def echo_get_properties(self, ins):
        config = config_dict(ins.config)
        properties = {key: scalar(value) for key, value in config.items()}
        properties.update({"python:" + key: pb.Scalar(string=python_view(value)) for key, value in config.items()})
        res = pb.ClientMessage.GetPropertiesRes(status=self.echo_status(config), properties=properties)
        return pb.ClientMessage(get_properties_res=res), f"properties={len(properties)} (echo)"

    def echo_fit(self, ins):
        config = config_dict(ins.config)
        arrays = from_parameters(ins.parameters)
        res = pb.ClientMessage.FitRes(status=self.echo_status(config), parameters=to_parameters(arrays),
                                      num_examples=len(arrays),
                                      metrics={key: scalar(value) for key, value in config.items()})
        return pb.ClientMessage(fit_res=res), f"tensors={len(arrays)} metrics={len(config)} (echo)"

    def echo_evaluate(self, ins):
        config = config_dict(ins.config)
        res = pb.ClientMessage.EvaluateRes(status=self.echo_status(config), loss=float(config.get("loss", 0.0)),
                                           num_examples=len(ins.parameters.tensors),
                                           metrics={key: scalar(value) for key, value in config.items()})
        return pb.ClientMessage(evaluate_res=res), f"metrics={len(config)} (echo)"

    # --- the connection, as Flower 1.x's grpc_connection does it ---

    def channel(self):
        max_bytes = self.args.max_message_bytes
        options = [("grpc.max_send_message_length", max_bytes), ("grpc.max_receive_message_length", max_bytes)]
        for option in self.args.grpc_option:
            name, _, value = option.partition("=")
            options.append((name, int(value)))
        if self.args.tls_root_cert:
            with open(self.args.tls_root_cert, "rb") as pem:
                credentials = grpc.ssl_channel_credentials(root_certificates=pem.read())
            return grpc.secure_channel(self.args.target, credentials, options=options)
        return grpc.insecure_channel(self.args.target, options=options)

    def run(self):
        while True:
            seconds = self.session()
            if seconds is None:
                return 0
            if seconds < 0:
                return 2
            say("RECONNECTING", seconds)
            time.sleep(seconds)

    def session(self):
        """One Join stream. Returns None to exit normally, a negative number on failure, or seconds to reconnect."""
        say("JOINING", self.args.target)
        channel = self.channel()
        outbox = queue.Queue(maxsize=1)
        server_messages = pb_grpc.FlowerServiceStub(channel).Join(iter(outbox.get, None))
        misbehave = self.args.misbehave
        if misbehave == "handshake":
            outbox.put(pb.ClientMessage(), block=False)
        try:
            while True:
                try:
                    message = next(server_messages)
                except StopIteration:
                    say("SERVER-CLOSED")
                    return None
                except grpc.RpcError as error:
                    say("STREAM-FAILED", error.code().name, repr(error.details()))
                    return -1
                kind = message.WhichOneof("msg")
                if kind is None:
                    say("FAIL the server sent an empty ServerMessage")
                    return -1
                if misbehave == "silent":
                    say("IGNORED", kind)
                    continue
                if misbehave == "hang-up-during-fit" and kind == "fit_ins":
                    say("HUNG-UP", kind)
                    return None
                if misbehave == "hang-up-on-reconnect" and kind == "reconnect_ins":
                    say("HUNG-UP", kind)
                    return None
                if kind == "reconnect_ins":
                    seconds = message.reconnect_ins.seconds
                    reply = pb.ClientMessage(disconnect_res=pb.ClientMessage.DisconnectRes(reason=pb.Reason.RECONNECT))
                    outbox.put(reply, block=False)
                    say("HANDLED reconnect_ins -> disconnect_res", f"seconds={seconds}")
                    # Like Flower: hang up right away (the reply may or may not get through first); seconds 0 means
                    # "disconnect and shut down", anything else "join again after that many seconds".
                    if self.args.on_reconnect == "flower" and seconds > 0:
                        return seconds
                    say("SHUTDOWN", f"reconnect_ins seconds={seconds}")
                    return None
                if misbehave == "wrong-case" and kind == "fit_ins":
                    reply, summary = self.evaluate(pb.ServerMessage.EvaluateIns(parameters=message.fit_ins.parameters))
                    outbox.put(reply, block=False)
                    say("HANDLED fit_ins -> evaluate_res (wrong case on purpose)", summary)
                    continue
                if self.args.echo_config:
                    handlers = {
                        "get_parameters_ins": self.echo_get_parameters,
                        "get_properties_ins": self.echo_get_properties,
                        "fit_ins": self.echo_fit,
                        "evaluate_ins": self.echo_evaluate,
                    }
                else:
                    handlers = {
                        "get_parameters_ins": self.get_parameters,
                        "get_properties_ins": self.get_properties,
                        "fit_ins": self.fit,
                        "evaluate_ins": self.evaluate,
                    }
                handler = handlers[kind]
                reply, summary = handler(getattr(message, kind))
                outbox.put(reply, block=False)
                say("HANDLED", kind, "->", reply.WhichOneof("msg"), summary)
        finally:
            channel.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="host:port of the server")
    parser.add_argument("--tls-root-cert", help="PEM file of the CA (or self-signed certificate) to trust; plaintext without it")
    parser.add_argument("--max-message-bytes", type=int, default=GRPC_MAX_MESSAGE_LENGTH,
                        help="grpc.max_send_message_length and grpc.max_receive_message_length (default: Flower's 512 MiB)")
    parser.add_argument("--grpc-option", action="append", default=[], metavar="NAME=INT",
                        help="extra integer channel option, e.g. grpc.keepalive_time_ms=10000 (repeatable)")
    parser.add_argument("--model-dim", type=int, default=8, help="length of the weight vector this client starts from")
    parser.add_argument("--partition", type=int, default=0, help="which local data partition to use")
    parser.add_argument("--seed", type=int, default=42, help="seed of the federation's synthetic data set")
    parser.add_argument("--num-examples", type=int, default=200, help="training examples in this partition")
    parser.add_argument("--true-model", type=lambda text: [float(v) for v in text.split(",")],
                        help="comma-separated true weights then the true bias of the federation's task, so that this"
                             " client's partition matches other clients' (default: weights drawn from --seed, bias 0)")
    parser.add_argument("--on-reconnect", choices=["flower", "exit"], default="flower",
                        help="after reconnect_ins: as Flower (seconds 0: shut down; otherwise join again after"
                             " seconds), or always exit")
    parser.add_argument("--echo-config", action="store_true",
                        help="answer every instruction with its config converted as Flower converts it (metrics,"
                             " properties plus 'python:<key>' views), the fit_ins parameters unchanged, an empty model"
                             " for get_parameters_ins, and the status message from the config key status_message")
    parser.add_argument("--misbehave", choices=sorted(MISBEHAVIOURS), default="none",
                        help="protocol-test modes: " + "; ".join(f"{k}: {v}" for k, v in MISBEHAVIOURS.items()))
    parser.add_argument("--max-seconds", type=float, default=600, help="exit with code 4 after this long, whatever happens")
    args = parser.parse_args()

    def watchdog():
        time.sleep(args.max_seconds)
        say("EXIT 4 (--max-seconds passed)")
        os._exit(4)

    threading.Thread(target=watchdog, daemon=True).start()
    code = FlowerLikeClient(args).run()
    say("EXIT", code)
    sys.stdout.flush()
    os._exit(code)  # do not wait for gRPC's request-consumer thread


if __name__ == "__main__":
    main()
