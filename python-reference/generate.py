#!/usr/bin/env python3
"""Generate the KerasBridge reference fixtures under <repo>/models/.

  models/NAME/            seed models (see models.py): model.keras, model.h5,
                          saved_model/, input_*.npy, output_*.npy, fixture.json
  models/training/NAME/   training-parity fixtures (see training_fixtures.py)

Every saved format is reloaded and checked against the Keras outputs before
the run ends; any mismatch or failure raises (non-zero exit).

Usage: generate.py [--out DIR] [--only NAME ...] [--no-seed] [--no-training]
The manifest (models/MANIFEST.sha256) is written by generate.sh.
"""

import argparse
import json
import math
import os
import sys
import time
import traceback
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

import common  # noqa: E402
import mnist  # noqa: E402
import models  # noqa: E402
import training_fixtures  # noqa: E402
from common import SEED, f32, max_abs_diff, save_f32, shape_list  # noqa: E402

ATOL = 1e-5
N_PROBE = 8
# Models with more parameters are saved without trained optimizer slots (size).
STRIP_OPTIMIZER_ABOVE = 100_000

# Training budget per seed model: (number of training samples, epochs).
# Steps = ceil(samples / batch) * epochs; batch sizes come from models.SPECS.
TRAIN_BUDGET = {
    "ae_simple": (4096, 3),
    "ae_deep": (4096, 3),
    "ae_denoising": (4096, 3),
    "ae_sparse": (4096, 3),
    "ae_2d": (4096, 3),
    "mnist_cnn": (2560, 1),
    "cnn_channels_first": (1280, 1),
    "rnn_classifier": (2000, 1),
    "lstm_regressor": (8, 5),  # (windows per stream = batches per epoch, epochs)
    "linear_regressor": (640, 5),
    "mlp_classifier": (2560, 2),
}

AUTOENCODERS = {"ae_simple", "ae_deep", "ae_denoising", "ae_sparse", "ae_2d"}

PREPROCESSING_NOTES = {
    "flat01": "x = mnist images reshaped to (N, 784), float32, / 255",
    "flat01_noisy": (
        "x = clip(x01 + 0.5 * N(0,1), 0, 1) with x01 = images (N, 784) / 255; "
        "training noise: numpy RandomState(SEED).normal(size=(N, 784)); probe noise: "
        "RandomState(SEED + 1).normal(size=(8, 784)); computed in float64, stored float32; "
        "targets are the clean x01"
    ),
    "flat_centered": "x = images (N, 784) / 255 - 0.5 (range [-0.5, 0.5])",
    "nhwc01": "x = images (N, 28, 28, 1) / 255",
    "nchw01": "x = images (N, 1, 28, 28) / 255",
    "rows01": "x = images (N, 28, 28) / 255; rows are time steps",
    "sin_cos": (
        "50 parallel streams, stream j: t = phase_j + 0.1 * k (k = 0, 1, ...); x = sin(t), "
        "y = cos(t); consecutive windows of 20 steps; batch b holds window b of all 50 "
        "streams, so the stateful LSTM carries state from batch b to b+1; phases: "
        "RandomState(SEED).uniform(0, 2pi, 50) for training, RandomState(SEED + 1) for "
        "the probe; probe = window 0 of the probe streams, predicted after reset_state()"
    ),
    "linear": (
        "x = RandomState(SEED).uniform(-1, 1, (640, 1)), y = 0.5 x + 2 + "
        "0.1 * N(0,1) (same RandomState); probe x = RandomState(SEED + 1).uniform(-1, 1, (8, 1))"
    ),
}


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------

class Data:
    def __init__(self):
        (self.x_train, self.y_train), (self.x_test, self.y_test) = mnist.load_data()

    def images(self, prep, split, n):
        x = (self.x_train if split == "train" else self.x_test)[:n]
        x01 = x.astype(np.float32) / np.float32(255.0)
        if prep == "flat01":
            return x01.reshape(-1, 784)
        if prep == "flat01_noisy":
            x01 = x01.reshape(-1, 784)
            rng = np.random.RandomState(SEED if split == "train" else SEED + 1)
            noisy = x01.astype(np.float64) + 0.5 * rng.normal(loc=0.0, scale=1.0, size=x01.shape)
            return f32(np.clip(noisy, 0.0, 1.0))
        if prep == "flat_centered":
            return x01.reshape(-1, 784) - np.float32(0.5)
        if prep == "nhwc01":
            return x01.reshape(-1, 28, 28, 1)
        if prep == "nchw01":
            return x01.reshape(-1, 1, 28, 28)
        if prep == "rows01":
            return x01.reshape(-1, 28, 28)
        raise ValueError(prep)

    def labels(self, split, n):
        y = (self.y_train if split == "train" else self.y_test)[:n]
        return f32(keras.utils.to_categorical(y, 10))


def sin_cos(rng, n_windows, streams=models.LSTM_BATCH, steps=models.LSTM_STEPS, dt=0.1):
    phases = rng.uniform(0.0, 2.0 * np.pi, streams)
    t = phases[:, None] + dt * np.arange(n_windows * steps)[None, :]
    def arrange(a):  # (streams, windows*steps) -> (windows*streams, steps, 1)
        return f32(a.reshape(streams, n_windows, steps).transpose(1, 0, 2).reshape(-1, steps, 1))
    return arrange(np.sin(t)), arrange(np.cos(t))


def linear_data():
    rng = np.random.RandomState(SEED)
    x = rng.uniform(-1.0, 1.0, (640, 1))
    y = 0.5 * x + 2.0 + 0.1 * rng.normal(0.0, 1.0, (640, 1))
    probe = np.random.RandomState(SEED + 1).uniform(-1.0, 1.0, (N_PROBE, 1))
    return f32(x), f32(y), f32(probe)


def training_data(name, data):
    """(x, y, probe_inputs) for a seed model."""
    _, batch, prep = models.SPECS[name]
    n, _ = TRAIN_BUDGET[name]
    if prep == "sin_cos":
        x, y = sin_cos(np.random.RandomState(SEED), n)
        px, _ = sin_cos(np.random.RandomState(SEED + 1), 1)
        return x, y, [px]
    if prep == "linear":
        x, y, px = linear_data()
        return x, y, [px]
    x = data.images(prep, "train", n)
    probe = data.images(prep, "test", N_PROBE)
    if name in AUTOENCODERS:
        y = data.images("flat01", "train", n) if prep == "flat01_noisy" else x
    else:
        y = data.labels("train", n)
    return x, y, [probe]


# ---------------------------------------------------------------------------
# Training / prediction
# ---------------------------------------------------------------------------

def is_stateful(model):
    return any(getattr(l, "stateful", False) for l in model._flatten_layers(include_self=False))


def predict(model, inputs, batch_size):
    common.reset_rnn_states(model)
    x = inputs[0] if len(inputs) == 1 else inputs
    out = model.predict(x, batch_size=batch_size, verbose=0)
    common.reset_rnn_states(model)
    return [f32(o) for o in common.as_list(out)]


def train(name, model, x, y):
    _, batch, _ = models.SPECS[name]
    n, epochs = TRAIN_BUDGET[name]
    if is_stateful(model):
        # Manual loop: reset_state() at each epoch start, batches in order.
        n_batches = x.shape[0] // batch
        losses = []
        for _ in range(epochs):
            common.reset_rnn_states(model)
            for b in range(n_batches):
                sl = slice(b * batch, (b + 1) * batch)
                losses.append(float(model.train_on_batch(x[sl], y[sl])))
        common.reset_rnn_states(model)
        return {
            "method": "train_on_batch loop, reset_state() at each epoch start",
            "samples": int(x.shape[0]), "batch_size": batch, "epochs": epochs,
            "steps": len(losses), "last_step_loss": losses[-1],
        }
    hist = model.fit(x, y, batch_size=batch, epochs=epochs, shuffle=False, verbose=0)
    return {
        "method": "model.fit(shuffle=False)",
        "samples": int(x.shape[0]), "batch_size": batch, "epochs": epochs,
        "steps": math.ceil(x.shape[0] / batch) * epochs,
        "last_epoch_mean_loss": float(hist.history["loss"][-1]),
    }


# ---------------------------------------------------------------------------
# Saving and verification
# ---------------------------------------------------------------------------

def signature_info(sm_dir):
    loaded = tf.saved_model.load(str(sm_dir))
    sig = loaded.signatures["serving_default"]
    args, kwargs = sig.structured_input_signature
    if args:
        raise AssertionError(f"unexpected positional signature inputs: {args}")
    ins = [{"name": k, "shape": shape_list(s.shape), "dtype": s.dtype.name} for k, s in kwargs.items()]
    outs = [{"name": k, "shape": shape_list(s.shape), "dtype": s.dtype.name}
            for k, s in sig.structured_outputs.items()]
    return loaded, sig, ins, outs


def check(label, got, expected, results):
    got = [f32(g) for g in got]
    if len(got) != len(expected):
        raise AssertionError(f"{label}: {len(got)} outputs, expected {len(expected)}")
    diffs = [max_abs_diff(g, e) for g, e in zip(got, expected)]
    results[label] = max(diffs)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=0.0, atol=ATOL, err_msg=f"{label} differs from output_0.npy")


def call_signature(sig, sig_inputs, model, inputs):
    if len(sig_inputs) == 1:
        feed = {sig_inputs[0]["name"]: tf.constant(inputs[0])}
    else:  # match by Keras input tensor name
        names = [t.name for t in model.inputs]
        feed = {s["name"]: tf.constant(inputs[names.index(s["name"])]) for s in sig_inputs}
    out = sig(**feed)
    return [out[k].numpy() for k in sorted(out)]


def make_seed_fixture(name, out_root, data):
    t0 = time.time()
    builder, batch, prep = models.SPECS[name]
    common.reset()
    model = builder()
    x, y, probe = training_data(name, data)
    notes = [f"Preprocessing: {PREPROCESSING_NOTES[prep]}."]
    stateful = is_stateful(model)
    special = {}

    if name == "cnn_channels_first":
        train_info, outputs, special = channels_first_train_predict(model, x, y, probe, notes)
    else:
        train_info = train(name, model, x, y)
        outputs = predict(model, probe, batch)

    d = common.fresh_dir(out_root / name)
    fixture = {"name": name, **common.versions()}
    fixture["inputs"] = []
    for i, (p, t) in enumerate(zip(probe, model.inputs)):
        fname = f"input_{i}.npy"
        save_f32(d / fname, p)
        fixture["inputs"].append({"file": fname, "name": t._keras_history.operation.name,
                                  "shape": list(p.shape), "dtype": "float32"})
    fixture["outputs"] = []
    for i, (o, t) in enumerate(zip(outputs, model.outputs)):
        fname = f"output_{i}.npy"
        save_f32(d / fname, o)
        fixture["outputs"].append({"file": fname, "name": t._keras_history.operation.name,
                                   "shape": list(o.shape), "dtype": "float32"})
    fixture["tolerance"] = {"atol": ATOL, "rtol": 0.0}

    common.reset_rnn_states(model)
    n_params = int(model.count_params())
    fixture["parameters"] = n_params
    fixture["optimizer_state_saved"] = n_params <= STRIP_OPTIMIZER_ABOVE
    if n_params > STRIP_OPTIMIZER_ABOVE:
        # Size: the trained optimizer slots would double or triple the .keras
        # and .h5 files. Recompile with an unbuilt optimizer of the same config
        # (same compile config; only iteration/learning_rate get saved).
        from keras.src.saving import serialization_lib
        model.compile(**serialization_lib.deserialize_keras_object(model.get_compile_config()))
        notes.append(
            f"Optimizer state not saved ({n_params} parameters): after training the model was "
            "recompiled with a fresh optimizer of the same config before saving, so model.keras/"
            "model.h5 hold the compile config and weights but no optimizer slots.")
    formats = []
    model.save(d / "model.keras")
    formats.append("model.keras")
    model.save(d / "model.h5")
    formats.append("model.h5")
    export_error = None
    try:
        model.export(str(d / "saved_model"), verbose=False)
        formats.append("saved_model")
    except Exception as e:  # recorded in fixture.json and reported, never hidden
        export_error = f"{type(e).__name__}: {e}"
        print(f"[{name}] model.export FAILED: {export_error}", file=sys.stderr)
        traceback.print_exc()
        if (d / "saved_model").exists():
            import shutil
            shutil.rmtree(d / "saved_model")
    fixture["formats"] = formats
    fixture["stateful"] = stateful

    # ---- verification: every format must reproduce output_*.npy ----
    verification = {}
    can_run = special.get("can_run_native", True)
    h5_error = None
    try:
        keras.models.load_model(d / "model.h5")
    except Exception as e:
        # Recorded and reported: e.g. Keras 3.15.1 cannot deserialize the loss
        # alias "mse" that it itself writes into the H5 training_config.
        h5_error = f"{type(e).__name__}: {e}"
        print(f"[{name}] keras.models.load_model(model.h5) FAILED: {h5_error}; "
              "verifying with compile=False", file=sys.stderr)
        fixture["h5_compiled_load_error"] = h5_error
        notes.append(
            f"Keras {keras.__version__} cannot load model.h5 with compile=True ({h5_error}); the "
            "file is exactly what model.save wrote (training_config loss "
            f"{json.dumps(_h5_training_loss(d / 'model.h5'))}); it loads with compile=False and was "
            "verified that way.")
    h5_kwargs = {"compile": False} if h5_error else {}
    if can_run:
        m = keras.models.load_model(d / "model.keras")
        check("model.keras", predict(m, probe, batch), outputs, verification)
        m = keras.models.load_model(d / "model.h5", **h5_kwargs)
        check("model.h5", predict(m, probe, batch), outputs, verification)
    else:
        # Still prove the files load and hold the trained weights.
        for f in ("model.keras", "model.h5"):
            m = keras.models.load_model(d / f, **(h5_kwargs if f.endswith(".h5") else {}))
            wd = max(max_abs_diff(a, b) for a, b in zip(m.get_weights(), model.get_weights()))
            if wd != 0.0:
                raise AssertionError(f"{f}: reloaded weights differ ({wd})")
            verification[f + " (weights only)"] = wd

    if export_error is None:
        loaded, sig, sig_in, sig_out = signature_info(d / "saved_model")
        fixture["saved_model"] = {"signature": "serving_default", "inputs": sig_in, "outputs": sig_out}
        if can_run:
            first = call_signature(sig, sig_in, model, probe)
            check("saved_model", first, outputs, verification)
            if stateful:
                second = call_signature(sig, sig_in, model, probe)
                delta = max(max_abs_diff(a, b) for a, b in zip(first, second))
                persists = delta > 0.0
                fixture["saved_model"]["state_persists_across_calls"] = persists
                notes.append(
                    "SavedModel: the exported serving function "
                    + ("keeps the LSTM state in resource variables between calls (a second call "
                       f"with the same probe differs by up to {delta:.3g}); output_0.npy is the "
                       "first call after loading (state zero)."
                       if persists else
                       "returned identical outputs on two consecutive calls (state not carried).")
                )
    else:
        fixture["saved_model"] = None
        fixture["saved_model_error"] = export_error
        notes.append(f"model.export failed: {export_error}")

    fixture["verification_max_abs_diff"] = verification
    fixture["training"] = train_info
    fixture["preprocessing"] = prep
    fixture["runtime"] = common.runtime_env()
    fixture["notes"] = " ".join(notes + special.get("notes", []))
    common.write_json(d / "fixture.json", fixture)
    print(f"[{name}] ok in {time.time() - t0:.1f}s: {verification}")


def _h5_training_loss(path):
    import h5py
    with h5py.File(path, "r") as f:
        cfg = f.attrs.get("training_config")
    if cfg is None:
        return None
    if isinstance(cfg, bytes):
        cfg = cfg.decode("utf-8")
    return json.loads(cfg).get("loss")


def channels_first_train_predict(model, x, y, probe, notes):
    """Train/predict the NCHW model; cross-check against an NHWC twin.

    Keras 3 (TF backend) passes data_format="NCHW" straight to tf.nn.convolution.
    Stock TF CPU kernels reject NCHW Conv2D ("only supports the NHWC tensor
    format on the CPU"); the oneDNN CPU kernels (on by default in x86 Linux
    TF builds) accept it. If the native path fails we train and predict with
    the NHWC twin (identical weights; outputs on transposed inputs are the
    same function) and copy the weights into the NCHW model before saving.
    """
    name = "cnn_channels_first"
    _, batch, _ = models.SPECS[name]
    special = {"notes": []}
    native_error = None
    init_weights = model.get_weights()
    try:
        train_info = train(name, model, x, y)
        outputs = predict(model, probe, batch)
    except (tf.errors.UnimplementedError, tf.errors.InvalidArgumentError) as e:
        lines = [l.strip() for l in str(e).splitlines() if l.strip()]
        key = next((l for l in lines if "NHWC" in l or "NCHW" in l), lines[-1] if lines else "")
        native_error = f"{type(e).__name__}: {key[:300]}"
    # NHWC twin, built with the same seed (same initial weights).
    common.reset()
    twin = models.cnn_channels_first("channels_last")
    to_nhwc = lambda a: np.ascontiguousarray(a.transpose(0, 2, 3, 1))  # noqa: E731
    if native_error is None:
        twin.set_weights(model.get_weights())
        twin_out = predict(twin, [to_nhwc(probe[0])], batch)
        diff = max_abs_diff(twin_out[0], outputs[0])
        if diff > ATOL:
            raise AssertionError(f"channels_first outputs differ from NHWC twin by {diff}")
        special["notes"].append(
            "channels_first: Keras ran the NCHW model natively on CPU (TF oneDNN kernels accept "
            "NCHW Conv2D/MaxPool here; stock TF CPU kernels reject NCHW Conv2D, so a runtime without "
            "oneDNN needs a transpose to NHWC). The outputs were cross-checked against an NHWC twin "
            f"(same weights, transposed input): max abs diff {diff:.3g}."
        )
        special["twin_max_abs_diff"] = diff
        return train_info, outputs, special
    # Fallback: train and predict with the twin, save the NCHW model with its weights.
    print(f"[{name}] native NCHW failed ({native_error}); using NHWC twin", file=sys.stderr)
    init_diff = max(max_abs_diff(a, b) for a, b in zip(twin.get_weights(), init_weights))
    if init_diff != 0.0:
        raise AssertionError(f"NHWC twin initial weights differ from the NCHW model's ({init_diff})")
    train_info = train(name, twin, to_nhwc(x), y)
    outputs = predict(twin, [to_nhwc(probe[0])], batch)
    model.set_weights(twin.get_weights())
    special["can_run_native"] = False
    special["notes"].append(
        f"channels_first: this TF runtime could not run NCHW conv on CPU ({native_error}). "
        "Training and output_0.npy come from an NHWC twin model with identical weights "
        f"(initial weights equal up to {init_diff:.3g}) on transposed inputs; the saved files are the "
        "channels_first model with those weights. Reloaded formats were checked for weights only."
    )
    return train_info, outputs, special


# ---------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(HERE.parent / "models"))
    ap.add_argument("--only", nargs="*", help="fixture names (seed or training) to (re)generate")
    ap.add_argument("--no-seed", action="store_true")
    ap.add_argument("--no-training", action="store_true")
    args = ap.parse_args(argv)

    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    tf.config.experimental.enable_op_determinism()
    t_start = time.time()

    seed_names = list(models.SPECS)
    train_names = list(training_fixtures.FIXTURES)
    if args.only:
        unknown = set(args.only) - set(seed_names) - set(train_names)
        if unknown:
            ap.error(f"unknown fixture(s): {sorted(unknown)}")
        seed_names = [n for n in seed_names if n in args.only]
        train_names = [n for n in train_names if n in args.only]
    else:
        # Full run: start from an empty models/ so no stale file survives. models/corpus/ holds
        # public files that cannot be regenerated (corpus.py makes only their references).
        import shutil
        for child in out.iterdir():
            if child.name == "corpus":
                continue
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
    if args.no_seed:
        seed_names = []
    if args.no_training:
        train_names = []

    print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}, NumPy {np.__version__}; "
          f"TF_ENABLE_ONEDNN_OPTS={os.environ.get('TF_ENABLE_ONEDNN_OPTS', '(unset)')}; out={out}")
    if seed_names:
        data = Data()
        for name in seed_names:
            make_seed_fixture(name, out, data)
    for name in train_names:
        training_fixtures.make(name, out / "training")
    print(f"done in {time.time() - t_start:.1f}s")


if __name__ == "__main__":
    main()
