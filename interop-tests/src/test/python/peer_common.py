"""Helpers shared by the Flower-like test peers: whole-line output and NumPy .npy tensors in Parameters."""

import io
import sys
import threading

import numpy as np

from flwr.proto import transport_pb2 as pb

_say_lock = threading.Lock()


def say(*parts):
    """Prints one whole line (threads never interleave within a line)."""
    with _say_lock:
        sys.stdout.write(" ".join(str(part) for part in parts) + "\n")
        sys.stdout.flush()


def ndarray_to_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def bytes_to_ndarray(data):
    return np.load(io.BytesIO(data), allow_pickle=False)


def to_parameters(arrays):
    return pb.Parameters(tensors=[ndarray_to_bytes(a) for a in arrays], tensor_type="numpy.ndarray")
