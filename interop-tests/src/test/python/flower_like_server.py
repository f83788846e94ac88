#!/usr/bin/python3
"""A federated-learning server that speaks Flower 1.x's grpc-bidi protocol the way a stock Flower server does.

It serves FlowerService.Join, waits for --expected-clients, then drives them: get_parameters_ins to one client
(the initial model, as Flower does when the strategy has none), then --rounds rounds of fit_ins to every client
(FedAvg of the replies) and evaluate_ins to every client, and finally reconnect_ins{seconds=0}. Like Flower it
sends the first message and expects no hand-shake: each message read from a stream is the reply to the
instruction just sent. Unlike Flower, it checks every reply (case, status, tensor shapes and dtypes, counts,
metrics) and fails loudly on the first wrong one.

stdout: the first line is "PORT <bound port>"; then one line per event; the last line is "DONE OK" or
"FAIL <why>". Exit codes: 0 only if every reply was right, 1 on a wrong reply, 3 on a timeout.
"""

import argparse
import math
import os
import queue
import sys
import threading
import time
from concurrent import futures

import grpc
import numpy as np

from flwr.proto import transport_pb2 as pb
from peer_common import bytes_to_ndarray, say, to_parameters
from flwr.proto import transport_pb2_grpc as pb_grpc

GRPC_MAX_MESSAGE_LENGTH = 536_870_912  # Flower's default: 512 MiB

EXPECTED_REPLY = {
    "reconnect_ins": "disconnect_res",
    "get_properties_ins": "get_properties_res",
    "get_parameters_ins": "get_parameters_res",
    "fit_ins": "fit_res",
    "evaluate_ins": "evaluate_res",
}

STREAM_ENDED = object()


class Failure(Exception):
    pass




class ClientSlot:
    """One connected client: the Join generator takes instructions from `instructions` and puts replies in `replies`."""

    def __init__(self, peer):
        self.peer = peer
        self.instructions = queue.Queue()
        self.replies = queue.Queue()


class Registry:

    def __init__(self):
        self.lock = threading.Condition()
        self.clients = []

    def register(self, slot):
        with self.lock:
            self.clients.append(slot)
            self.lock.notify_all()

    def wait_for(self, count, timeout):
        deadline = time.monotonic() + timeout
        with self.lock:
            while len(self.clients) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self.lock.wait(remaining)
            return list(self.clients)


class FlowerService(pb_grpc.FlowerServiceServicer):
    """Flower's servicer loop: yield an instruction, then read the next client message as its reply."""

    def __init__(self, registry):
        self.registry = registry

    def Join(self, request_iterator, context):
        slot = ClientSlot(context.peer())
        context.add_callback(lambda: slot.replies.put(STREAM_ENDED))
        self.registry.register(slot)
        say("JOINED", slot.peer)
        while True:
            instruction = slot.instructions.get()
            if instruction is None:
                return
            yield instruction
            try:
                reply = next(request_iterator)
            except StopIteration:
                slot.replies.put(STREAM_ENDED)
                return
            except Exception as error:  # the stream broke under us
                say("STREAM-BROKEN", slot.peer, repr(error))
                slot.replies.put(STREAM_ENDED)
                return
            slot.replies.put(reply)


class Coordinator:

    def __init__(self, args):
        self.args = args

    def call(self, slot, instruction):
        """Sends one instruction and returns the reply, checking its case. Raises Failure on anything wrong."""
        kind = instruction.WhichOneof("msg")
        expected = EXPECTED_REPLY[kind]
        slot.instructions.put(instruction)
        try:
            reply = slot.replies.get(timeout=self.args.reply_timeout)
        except queue.Empty:
            raise Failure(f"client {slot.peer} did not answer {kind} within {self.args.reply_timeout} s")
        if reply is STREAM_ENDED:
            if kind == "reconnect_ins":
                return None  # Flower clients often hang up before their DisconnectRes gets through
            raise Failure(f"client {slot.peer} hung up while {kind} was outstanding")
        got = reply.WhichOneof("msg")
        if got is None:
            raise Failure(f"client {slot.peer} answered {kind} with an empty ClientMessage; expected {expected} "
                          "(a hand-shake? stock Flower servers expect none: the first client message must be a reply)")
        if got != expected:
            raise Failure(f"client {slot.peer} answered {kind} with {got}; expected {expected}")
        return getattr(reply, got)

    @staticmethod
    def check_status(slot, kind, res):
        if res.status.code != pb.Code.OK:
            raise Failure(f"client {slot.peer} answered {kind} with status {pb.Code.Name(res.status.code)}: "
                          f"{res.status.message}")

    @staticmethod
    def decode(slot, kind, parameters):
        if parameters.tensor_type != "numpy.ndarray":
            raise Failure(f"client {slot.peer} answered {kind} with tensor_type {parameters.tensor_type!r}")
        arrays = []
        for index, tensor in enumerate(parameters.tensors):
            try:
                arrays.append(bytes_to_ndarray(tensor))
            except Exception as error:
                raise Failure(f"client {slot.peer}: tensor {index} of its {kind} reply is not a valid .npy file: {error}")
        return arrays

    def parallel(self, clients, work):
        results = [None] * len(clients)
        errors = []

        def run(index, slot):
            try:
                results[index] = work(slot)
            except Failure as failure:
                errors.append(failure)

        threads = [threading.Thread(target=run, args=(i, slot), daemon=True) for i, slot in enumerate(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
        return results

    def run(self, clients):
        args = self.args
        first = clients[0]
        res = self.call(first, pb.ServerMessage(get_parameters_ins=pb.ServerMessage.GetParametersIns()))
        self.check_status(first, "get_parameters_ins", res)
        model = self.decode(first, "get_parameters_ins", res.parameters)
        if not model:
            raise Failure(f"client {first.peer} answered get_parameters_ins with no tensors")
        if args.extra_tensor_elements > 0:
            frozen = (np.arange(args.extra_tensor_elements, dtype=np.int64) % 251).astype(np.float32)
            model.append(frozen)
        say("INITIAL", first.peer, "tensors=" + str(len(model)),
            "shapes=" + ",".join("x".join(map(str, a.shape)) for a in model))

        for round_number in range(1, args.rounds + 1):
            fit_ins = pb.ServerMessage(fit_ins=pb.ServerMessage.FitIns(
                parameters=to_parameters(model),
                config={"round": pb.Scalar(sint64=round_number), "local_steps": pb.Scalar(sint64=5),
                        "learning_rate": pb.Scalar(double=0.5)}))

            def fit(slot):
                res = self.call(slot, fit_ins)
                self.check_status(slot, "fit_ins", res)
                arrays = self.decode(slot, "fit_ins", res.parameters)
                if [(a.shape, a.dtype) for a in arrays] != [(a.shape, a.dtype) for a in model]:
                    raise Failure(f"client {slot.peer} answered fit_ins with tensors "
                                  f"{[(a.shape, str(a.dtype)) for a in arrays]}; sent {[(a.shape, str(a.dtype)) for a in model]}")
                if res.num_examples <= 0:
                    raise Failure(f"client {slot.peer} answered fit_ins with num_examples={res.num_examples}")
                if not all(np.all(np.isfinite(a)) for a in arrays):
                    raise Failure(f"client {slot.peer} answered fit_ins with non-finite parameters")
                return arrays, res.num_examples

            results = self.parallel(clients, fit)
            total = sum(n for _, n in results)
            model = [sum(arrays[i].astype(np.float64) * n for arrays, n in results) / total for i in range(len(model))]
            model = [a.astype(results[0][0][i].dtype) for i, a in enumerate(model)]
            say("ROUND", round_number, "fit ok", f"clients={len(results)}", f"examples={total}")

            evaluate_ins = pb.ServerMessage(evaluate_ins=pb.ServerMessage.EvaluateIns(
                parameters=to_parameters(model), config={"round": pb.Scalar(sint64=round_number)}))

            def evaluate(slot):
                res = self.call(slot, evaluate_ins)
                self.check_status(slot, "evaluate_ins", res)
                if res.num_examples <= 0 or not math.isfinite(res.loss) or res.loss < 0:
                    raise Failure(f"client {slot.peer} answered evaluate_ins with loss={res.loss} "
                                  f"num_examples={res.num_examples}")
                accuracy = res.metrics.get("accuracy")
                if accuracy is None or accuracy.WhichOneof("scalar") != "double" or not 0 <= accuracy.double <= 1:
                    raise Failure(f"client {slot.peer} answered evaluate_ins without a double metric 'accuracy' in [0, 1]")
                return res.loss, res.num_examples, accuracy.double

            results = self.parallel(clients, evaluate)
            total = sum(n for _, n, _ in results)
            loss = sum(l * n for l, n, _ in results) / total
            accuracy = sum(a * n for _, n, a in results) / total
            # the server's own clock and CPU time (all threads) at the round's end, for benchmarks
            say("ROUND", round_number, "evaluate ok", f"loss={loss:.4f}", f"accuracy={accuracy:.4f}",
                f"clock_s={time.monotonic():.4f}", f"cpu_s={time.process_time():.4f}")

        def reconnect(slot):
            res = self.call(slot, pb.ServerMessage(reconnect_ins=pb.ServerMessage.ReconnectIns(seconds=0)))
            if res is None:
                say("RECONNECT", slot.peer, "hung up")
            elif res.reason != pb.Reason.RECONNECT:
                raise Failure(f"client {slot.peer} answered reconnect_ins with reason {pb.Reason.Name(res.reason)}")
            else:
                say("RECONNECT", slot.peer, "disconnect_res RECONNECT")

        self.parallel(clients, reconnect)
        for slot in clients:
            slot.instructions.put(None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bind", default="127.0.0.1", help="address to listen on (port chosen by the system)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-cert", help="PEM certificate chain; with --tls-key, serve TLS")
    parser.add_argument("--tls-key", help="PEM private key (PKCS#8)")
    parser.add_argument("--max-message-bytes", type=int, default=GRPC_MAX_MESSAGE_LENGTH)
    parser.add_argument("--expected-clients", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--extra-tensor-elements", type=int, default=0,
                        help="add a frozen float32 tensor of this many elements to the model (large-message tests)")
    parser.add_argument("--join-timeout", type=float, default=60)
    parser.add_argument("--reply-timeout", type=float, default=60)
    parser.add_argument("--max-seconds", type=float, default=300, help="fail with exit code 3 after this long")
    args = parser.parse_args()

    def watchdog():
        time.sleep(args.max_seconds)
        say(f"FAIL timeout: not done after {args.max_seconds} s")
        os._exit(3)

    threading.Thread(target=watchdog, daemon=True).start()

    options = [
        ("grpc.max_send_message_length", args.max_message_bytes),
        ("grpc.max_receive_message_length", args.max_message_bytes),
        ("grpc.keepalive_time_ms", 210_000),
        ("grpc.http2.max_pings_without_data", 0),
    ]
    registry = Registry()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=args.expected_clients + 4), options=options)
    pb_grpc.add_FlowerServiceServicer_to_server(FlowerService(registry), server)
    address = f"{args.bind}:{args.port}"
    if args.tls_cert:
        with open(args.tls_cert, "rb") as cert, open(args.tls_key, "rb") as key:
            credentials = grpc.ssl_server_credentials([(key.read(), cert.read())])
        port = server.add_secure_port(address, credentials)
    else:
        port = server.add_insecure_port(address)
    server.start()
    say("PORT", port)

    code = 0
    try:
        clients = registry.wait_for(args.expected_clients, args.join_timeout)
        if clients is None:
            say(f"FAIL timeout: fewer than {args.expected_clients} clients joined within {args.join_timeout} s")
            code = 3
        else:
            Coordinator(args).run(clients)
            say("DONE OK")
    except Failure as failure:
        say("FAIL", failure)
        print("FAIL", failure, file=sys.stderr, flush=True)
        code = 1
    server.stop(grace=2).wait(5)
    sys.stdout.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
