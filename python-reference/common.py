"""Small helpers shared by generate.py and training_fixtures.py."""

import json
import os
import shutil
from pathlib import Path

import h5py
import keras
import numpy as np
import tensorflow as tf

SEED = 1337


def reset(seed=SEED):
    """Fresh Keras session (deterministic layer names) and fixed seeds."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)


def versions():
    return {
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "numpy_version": np.__version__,
        "h5py_version": h5py.__version__,
    }


def runtime_env():
    return {
        "TF_ENABLE_ONEDNN_OPTS": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "(unset: TF default)"),
        "op_determinism": True,
        "seed": SEED,
    }


def reset_rnn_states(model):
    """Keras 3 has no Model.reset_states(); reset every stateful RNN layer."""
    for layer in model._flatten_layers(include_self=False, recursive=True):
        if getattr(layer, "stateful", False) and hasattr(layer, "reset_state"):
            layer.reset_state()


def rnn_state_variables(model):
    """(key, variable) for the state variables of stateful RNN layers.

    They are created untracked, so they are not in ``model.variables``.
    Key: ``<layer.path>/states/<i>`` (i: 0 = h, 1 = c for an LSTM).
    """
    out = []
    for layer in model._flatten_layers(include_self=False, recursive=True):
        if getattr(layer, "stateful", False) and getattr(layer, "states", None) is not None:
            for i, v in enumerate(layer.states):
                out.append((f"{layer.path}/states/{i}", v))
    return out


def f32(a):
    return np.ascontiguousarray(np.asarray(a, dtype=np.float32))


def save_f32(path, a):
    a = f32(a)
    np.save(path, a)
    return a


def shape_list(shape):
    if hasattr(shape, "as_list"):
        try:
            shape = shape.as_list()
        except ValueError:
            return None
    return [None if d is None else int(d) for d in shape]


def fresh_dir(path: Path):
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def _json_default(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"not JSON serializable: {type(o).__name__}")


def write_json(path: Path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=False, default=_json_default)
        f.write("\n")


def max_abs_diff(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise AssertionError(f"shape mismatch {a.shape} vs {b.shape}")
    return float(np.max(np.abs(a - b))) if a.size else 0.0


def as_list(x):
    if isinstance(x, (list, tuple)):
        return list(x)
    if isinstance(x, dict):
        return [x[k] for k in sorted(x)]
    return [x]
