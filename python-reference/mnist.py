"""Offline drop-in for ``keras.datasets.mnist.load_data()``.

Reads the original gzip-compressed IDX files from the directory named by the
environment variable ``MNIST_DIR`` (default: ``<repo>/../shared/data/mnist``,
where ``<repo>`` is the parent of this file's directory) and returns exactly
what Keras returns::

    (x_train, y_train), (x_test, y_test) = load_data()
    # x_train: uint8 (60000, 28, 28)   y_train: uint8 (60000,)
    # x_test:  uint8 (10000, 28, 28)   y_test:  uint8 (10000,)

Run ``python mnist.py`` to print a summary of the decoded data.
"""

import gzip
import os
import struct
from pathlib import Path

import numpy as np

IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801
ROWS = COLS = 28

FILES = {
    "train_images": ("train-images-idx3-ubyte.gz", 60000),
    "train_labels": ("train-labels-idx1-ubyte.gz", 60000),
    "test_images": ("t10k-images-idx3-ubyte.gz", 10000),
    "test_labels": ("t10k-labels-idx1-ubyte.gz", 10000),
}


class MnistFormatError(ValueError):
    """Raised when an IDX file is missing, truncated or malformed."""


def default_dir() -> Path:
    repo = Path(__file__).resolve().parent.parent
    return (repo / ".." / "shared" / "data" / "mnist").resolve()


def mnist_dir() -> Path:
    env = os.environ.get("MNIST_DIR")
    return Path(env).resolve() if env else default_dir()


def _read_gz(path: Path) -> bytes:
    if not path.is_file():
        raise MnistFormatError(
            f"MNIST file not found: {path} (set MNIST_DIR to the directory "
            f"holding the four *-ubyte.gz files)"
        )
    try:
        with gzip.open(path, "rb") as f:
            return f.read()
    except (OSError, EOFError) as e:
        raise MnistFormatError(f"{path}: not a valid gzip file: {e}") from e


def read_idx_images(path: Path, expected_count: int) -> np.ndarray:
    data = _read_gz(path)
    if len(data) < 16:
        raise MnistFormatError(
            f"{path}: {len(data)} bytes is too short for an IDX image header (16 bytes)"
        )
    magic, count, rows, cols = struct.unpack(">IIII", data[:16])
    if magic != IMAGES_MAGIC:
        raise MnistFormatError(
            f"{path}: bad magic 0x{magic:08x}, expected 0x{IMAGES_MAGIC:08x} "
            f"(IDX unsigned-byte 3-d images)"
        )
    if count != expected_count:
        raise MnistFormatError(
            f"{path}: header says {count} images, expected {expected_count}"
        )
    if (rows, cols) != (ROWS, COLS):
        raise MnistFormatError(
            f"{path}: header says {rows}x{cols} images, expected {ROWS}x{COLS}"
        )
    expected_len = 16 + count * rows * cols
    if len(data) != expected_len:
        raise MnistFormatError(
            f"{path}: payload is {len(data) - 16} bytes, expected "
            f"{count * rows * cols} ({count}*{rows}*{cols})"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, rows, cols).copy()


def read_idx_labels(path: Path, expected_count: int) -> np.ndarray:
    data = _read_gz(path)
    if len(data) < 8:
        raise MnistFormatError(
            f"{path}: {len(data)} bytes is too short for an IDX label header (8 bytes)"
        )
    magic, count = struct.unpack(">II", data[:8])
    if magic != LABELS_MAGIC:
        raise MnistFormatError(
            f"{path}: bad magic 0x{magic:08x}, expected 0x{LABELS_MAGIC:08x} "
            f"(IDX unsigned-byte 1-d labels)"
        )
    if count != expected_count:
        raise MnistFormatError(
            f"{path}: header says {count} labels, expected {expected_count}"
        )
    if len(data) != 8 + count:
        raise MnistFormatError(
            f"{path}: payload is {len(data) - 8} bytes, expected {count}"
        )
    labels = np.frombuffer(data, dtype=np.uint8, offset=8).copy()
    if labels.max(initial=0) > 9:
        raise MnistFormatError(f"{path}: label value {labels.max()} outside 0..9")
    return labels


def load_data(directory=None):
    """Same return value as ``keras.datasets.mnist.load_data()``."""
    d = Path(directory).resolve() if directory is not None else mnist_dir()
    if not d.is_dir():
        raise MnistFormatError(
            f"MNIST directory not found: {d} (set MNIST_DIR)"
        )
    name, n = FILES["train_images"]
    x_train = read_idx_images(d / name, n)
    name, n = FILES["train_labels"]
    y_train = read_idx_labels(d / name, n)
    name, n = FILES["test_images"]
    x_test = read_idx_images(d / name, n)
    name, n = FILES["test_labels"]
    y_test = read_idx_labels(d / name, n)
    return (x_train, y_train), (x_test, y_test)


if __name__ == "__main__":
    (xtr, ytr), (xte, yte) = load_data()
    print(f"dir: {mnist_dir()}")
    for label, a in (("x_train", xtr), ("y_train", ytr), ("x_test", xte), ("y_test", yte)):
        print(f"{label}: {a.dtype} {a.shape} min={a.min()} max={a.max()}")
    print("first test labels:", yte[:8].tolist())
