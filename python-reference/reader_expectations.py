#!/usr/bin/env python3
"""Test inputs and expectations for the Java model-file readers (org.kerasbridge.io).

Writes, under <repo>/src/test/resources/io/:

  models/NAME/...      small Keras 3.15 models that exercise the weight layouts the readers
                       must get right (nested models, wrappers, shared nested models, frozen
                       layers, float64 layers, weights-only files)
  expectations.json    what the readers must return, taken from Keras and h5py themselves:
    fixtures.NAME.layers   per top-level layer (model.layers order), its weights in Keras 3
                           `layer.weights` order as [path, shape, dtype, sum]
    fixtures.NAME.optimizer_variables   len(model.optimizer.variables) (0 if not compiled)
    corpus.ID              per corpus file (../shared/keras-corpus/ID/model.h5, or $KERAS_CORPUS):
                           keras_version, layer_names, and per layer the h5py view of
                           weight_names in stored order as [name, shape, dtype, sum], plus the
                           number of optimizer weights

`sum` is the float64 sum of the values, so the Java side checks the data, not only shapes.

Usage: python reader_expectations.py   (with the venv python; see venv.sh)
"""

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import h5py  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402

from common import reset  # noqa: E402

REPO = HERE.parent
OUT = REPO / "src" / "test" / "resources" / "io"
CORPUS = Path(os.environ.get("KERAS_CORPUS", REPO.parent / "shared" / "keras-corpus"))


def weight_facts(weights):
    out = []
    for w in weights:
        v = np.asarray(keras.ops.convert_to_numpy(w))
        out.append([w.path, list(v.shape), str(v.dtype), float(np.sum(v, dtype=np.float64))])
    return out


def model_facts(model):
    facts = {"layers": {}}
    for layer in model.layers:
        if layer.weights:
            facts["layers"][layer.name] = weight_facts(layer.weights)
    opt = getattr(model, "optimizer", None)
    facts["optimizer_variables"] = len(opt.variables) if opt is not None and opt.built else 0
    return facts


def nested():
    """Two inputs, a merge, a nested Sequential holding BatchNormalization and a frozen Dense."""
    reset()
    x = keras.Input((4,), name="x")
    y = keras.Input((4,), name="y")
    a = layers.Dense(3, name="d1")(x)
    b = layers.Dense(3, name="d2")(y)
    c = layers.Add(name="add")([a, b])
    frozen = layers.Dense(5, name="frozen_dense")
    frozen.trainable = False
    inner = keras.Sequential([keras.Input((3,)), frozen, layers.BatchNormalization(name="bn"),
                              layers.Dense(2, name="inner_out")], name="inner")
    d = inner(c)
    e = layers.Concatenate(name="concat")([d, a])
    m = keras.Model([x, y], [e, c], name="outer")
    m.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(0)
    m.fit([rng.random((4, 4)), rng.random((4, 4))], [rng.random((4, 5)), rng.random((4, 3))],
          batch_size=4, verbose=0)
    return m


def wrappers():
    """RNN cells, Bidirectional (auto and explicit backward), TimeDistributed, stacked cells,
    MultiHeadAttention: every way a layer owns sublayers."""
    reset()
    inp = keras.Input((5, 4), name="seq_in")
    a = layers.LSTM(3, return_sequences=True, name="lstm")(inp)
    b = layers.Bidirectional(layers.GRU(2, return_sequences=True), name="bi_gru")(a)
    c = layers.TimeDistributed(layers.Dense(3), name="td_dense")(b)
    c2 = layers.TimeDistributed(layers.BatchNormalization(), name="td_bn")(c)
    d = layers.RNN([layers.LSTMCell(2), layers.LSTMCell(3)], return_sequences=True,
                   name="stacked")(c2)
    e = layers.MultiHeadAttention(num_heads=2, key_dim=2, name="mha")(d, d)
    f = layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(
        2, go_backwards=True, name="mybw"), name="bi_custom")(e)
    m = keras.Model(inp, f, name="wrappers")
    rng = np.random.default_rng(1)
    # Non-trivial BatchNormalization statistics, so moving_mean/variance are not 0/1.
    m.compile(optimizer="sgd", loss="mse")
    m.fit(rng.random((4, 5, 4)), rng.random((4, 4)), batch_size=4, verbose=0)
    return m


def shared_inner():
    """A nested Functional called twice (node indices 1 and 2) and dict inputs."""
    reset()
    i = keras.Input((3,), name="inner_in")
    inner = keras.Model(i, layers.Dense(2, name="inner_dense")(i), name="inner_f")
    a = keras.Input((3,), name="a")
    b = keras.Input((3,), name="b")
    out = layers.Concatenate(name="cat")([inner(a), inner(b)])
    return keras.Model({"a": a, "b": b}, out, name="shared")


def float64_layer():
    reset()
    return keras.Sequential([keras.Input((3,), dtype="float64"),
                             layers.Dense(2, dtype="float64", name="d64"),
                             layers.Dense(1, name="d32")], name="mixed_dtypes")


def weights_only():
    reset()
    m = keras.Sequential([keras.Input((4,)), layers.Dense(3, name="dense"),
                          layers.Dropout(0.5), layers.BatchNormalization(name="bn"),
                          layers.Dense(2, name="dense_out")], name="weights_only")
    m.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(2)
    m.fit(rng.random((4, 4)), rng.random((4, 2)), batch_size=4, verbose=0)
    return m


def stored_float64(src, dst):
    """Copy of a legacy .h5 with every float32 weight rewritten as float64 (as some old tools
    wrote them); Keras casts them back when assigning to float32 variables."""
    with h5py.File(src, "r") as fin, h5py.File(dst, "w") as fout:
        for k, v in fin.attrs.items():
            fout.attrs[k] = v

        def copy(name, obj):
            if isinstance(obj, h5py.Group):
                g = fout.require_group(name)
                for k, v in obj.attrs.items():
                    g.attrs[k] = v
            elif name.startswith("model_weights/"):
                fout.create_dataset(name, data=np.asarray(obj, dtype=np.float64))
            else:
                fout.create_dataset(name, data=obj[()])
        fin.visititems(copy)


def corpus_facts(path):
    with h5py.File(path, "r") as f:
        def text(v):
            return v.decode("utf8") if isinstance(v, bytes) else str(v)

        def names(g, attr):
            if attr in g.attrs:
                return [text(n) for n in g.attrs[attr]]
            out, i = [], 0
            while f"{attr}{i}" in g.attrs:
                out += [text(n) for n in g.attrs[f"{attr}{i}"]]
                i += 1
            return out

        mw = f["model_weights"]
        facts = {"keras_version": text(f.attrs.get("keras_version", "")),
                 "layer_names": names(mw, "layer_names"), "layers": {}}
        for layer in facts["layer_names"]:
            ws = []
            for wn in names(mw[layer], "weight_names"):
                v = np.asarray(mw[layer][wn])
                ws.append([wn, list(v.shape), str(v.dtype), float(np.sum(v, dtype=np.float64))])
            if ws:
                facts["layers"][layer] = ws
        facts["optimizer_weights"] = (len(names(f["optimizer_weights"], "weight_names"))
                                      if "optimizer_weights" in f else 0)
        return facts


def main():
    models_dir = OUT / "models"
    models_dir.mkdir(parents=True, exist_ok=True)
    expectations = {"keras_version": keras.__version__, "fixtures": {}, "corpus": {}}
    for name, build in [("nested", nested), ("wrappers", wrappers),
                        ("shared_inner", shared_inner), ("float64", float64_layer)]:
        m = build()
        d = models_dir / name
        d.mkdir(exist_ok=True)
        m.save(d / "model.keras")
        m.save(d / "model.h5")
        expectations["fixtures"][name] = model_facts(m)
    m = weights_only()
    d = models_dir / "weights_only"
    d.mkdir(exist_ok=True)
    m.save_weights(d / "model.weights.h5")
    (d / "model.json").write_text(m.to_json())
    expectations["fixtures"]["weights_only"] = model_facts(m)
    stored_float64(models_dir / "nested" / "model.h5", models_dir / "nested" / "stored_f64.h5")

    if CORPUS.is_dir():
        for model in sorted(CORPUS.glob("*/model.h5")):
            expectations["corpus"][model.parent.name] = corpus_facts(model)
    else:
        print(f"reader_expectations: no corpus at {CORPUS}; corpus expectations skipped",
              file=sys.stderr)
    (OUT / "expectations.json").write_text(json.dumps(expectations, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
