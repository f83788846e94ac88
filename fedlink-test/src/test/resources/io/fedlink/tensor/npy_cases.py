"""Reference arrays for NpyTests, made by real NumPy.

usage: npy_cases.py write DIR    -> saves every case as DIR/<name>.npy with numpy.save
       npy_cases.py verify DIR   -> loads DIR/<name>.npy (written by fedlink) for every case found and checks
                                    dtype, shape and values against the same case; exit 1 on any difference
The Java test builds the same arrays; keep both in step.
"""
import os
import sys

import numpy as np


def cases():
    rng = np.random.default_rng(42)
    return {
        "f4_2x3": (np.arange(6, dtype="<f4").reshape(2, 3) * np.float32(0.5) - np.float32(1)),
        "f8_scalar": np.array(3.25, dtype="<f8"),
        "i4_scalar": np.array(-7, dtype="<i4"),
        "i8_3d": np.arange(24, dtype="<i8").reshape(2, 3, 4) - 12,
        "i4_empty": np.zeros((0,), dtype="<i4"),
        "f4_empty_2d": np.zeros((3, 0), dtype="<f4"),
        "f8_special": np.array([np.nan, np.inf, -np.inf, -0.0, 1e-300, 1.7976931348623157e308], dtype="<f8"),
        "i4_extremes": np.array([-2147483648, -1, 0, 1, 2147483647], dtype="<i4"),
        "i8_extremes": np.array([-9223372036854775808, 9223372036854775807], dtype="<i8"),
        "u1_vec": np.array([0, 1, 128, 255], dtype="|u1"),
        "i1_vec": np.array([-128, -1, 0, 127], dtype="|i1"),
        "f4_random": rng.standard_normal((100, 17)).astype("<f4"),
        "f4_long_dim": np.zeros((123456789012, 0), dtype="<f4"),
        "f8_6d": np.arange(64, dtype="<f8").reshape(2, 2, 2, 2, 2, 2) / 3,
    }


# Arrays only fedlink reads (NumPy writes them, fedlink's writer always produces little-endian C order).
def read_only_cases():
    return {
        "be_f4": np.array([1.5, -2.25, 3.0], dtype=">f4"),
        "be_i8": np.arange(6, dtype=">i8").reshape(3, 2),
        "fortran_2x3": np.asfortranarray(np.arange(6, dtype="<f8").reshape(2, 3)),
    }


def main():
    mode, directory = sys.argv[1], sys.argv[2]
    if mode == "write":
        for name, array in {**cases(), **read_only_cases()}.items():
            np.save(os.path.join(directory, name + ".npy"), array)
        print("wrote", len(cases()) + len(read_only_cases()))
    elif mode == "verify":
        checked = 0
        for name, expected in cases().items():
            path = os.path.join(directory, name + ".npy")
            if not os.path.exists(path):
                continue
            actual = np.load(path, allow_pickle=False)
            if actual.dtype != expected.dtype or actual.shape != expected.shape:
                print(f"{name}: numpy read {actual.dtype} {actual.shape}, expected {expected.dtype} {expected.shape}")
                sys.exit(1)
            if not np.array_equal(actual, expected, equal_nan=actual.dtype.kind == "f"):
                print(f"{name}: values differ: {actual!r} vs {expected!r}")
                sys.exit(1)
            if not actual.flags["C_CONTIGUOUS"]:
                print(f"{name}: not C-contiguous")
                sys.exit(1)
            checked += 1
        print("verified", checked)
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
