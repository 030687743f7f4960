#!/usr/bin/env python3
"""Keras 3.15 references for the public real-world corpus in models/corpus/.

models/corpus/MANIFEST.json lists every file (id, repository, commit, path, sha256, size,
license). This script never changes a model file. For each entry it

  * reads the file's own Keras version and layer types,
  * classifies it: a Lambda layer -> refuse-lambda, a class that is not a Keras layer (custom
    object) -> refuse-custom; neither file is ever deserialized here (no code from a file runs),
  * tries ``keras.models.load_model(file, compile=False)`` as-is and records the result
    (``keras3_as_is``: the column of the README results table),
  * where Keras 3 cannot load a Keras 1/2 file as-is, or would compute a different function
    than the file's own Keras version did (``hard_sigmoid``), makes the reference from a
    temporary copy whose ``model_config`` attribute alone is translated to its Keras 3
    equivalent, following Keras 2 semantics; every translation is listed (``patches``) and
    the weights Keras 3 loaded are checked equal to the file's own datasets,
  * for a .keras file that tf.keras 2.13-2.15 wrote on Windows (HDF5 names such as
    ``_layer_checkpoint_dependencies\\dense`` in model.weights.h5: os.path.join) or whose
    container names follow tf.keras < 2.14, the same copy also gets model.weights.h5 with its
    paths normalized (``normalized_weights``: nested groups, Keras 3's names; every dataset and
    attribute copied as it is); ``reference_source`` is then
    ``keras3-patched-config-and-weight-paths``,
  * draws one input batch with the convention of ../shared/keras-corpus (numpy seed = the
    file number, batch 4, other None dimensions 8, inputs feeding an Embedding are
    randint(0, input_dim) int32, other inputs random_sample() float32) and saves
    ``input_<i>.npy``, ``output_<k>.npy`` (``model.predict(inputs, batch_size=4)``) and
    ``keras_ref.json`` beside the file, and writes the computed fields back into MANIFEST.json.

Manual fields of a MANIFEST entry (``license``, ``known_gap``, ``expected_override``) are kept as
they are; ``expected_override`` ({expected, reason}) replaces the computed expectation (used for a
file whose output is ill-conditioned on the convention's input, so no float32 implementation can
match another within 1e-5).

    "$(bash python-reference/venv.sh)" python-reference/corpus.py            # every file
    "$(bash python-reference/venv.sh)" python-reference/corpus.py --only c007 c012
"""

import argparse
import copy
import hashlib
import io
import json
import os
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import h5py  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "models" / "corpus"

INITIALIZERS = {"GlorotUniform", "GlorotNormal", "Zeros", "Ones", "Orthogonal", "VarianceScaling",
                "RandomNormal", "RandomUniform", "TruncatedNormal", "Constant", "HeNormal",
                "HeUniform", "LecunNormal", "LecunUniform", "Identity"}
MODEL_CLASSES = {"Sequential", "Model", "Functional"}
WRAPPERS_WITH_INNER = ("layer", "forward_layer", "backward_layer", "cell")


# --------------------------------------------------------------------------- reading configs

def read_config(path: Path):
    """(model_config dict, keras_version str or None, format)."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            cfg = json.loads(z.read("config.json"))
            meta = json.loads(z.read("metadata.json")) if "metadata.json" in z.namelist() else {}
        return cfg, meta.get("keras_version"), "keras"
    with h5py.File(path, "r") as f:
        mc = f.attrs["model_config"]
        kv = f.attrs.get("keras_version")
    mc = mc.decode() if isinstance(mc, bytes) else mc
    kv = kv.decode() if isinstance(kv, bytes) else kv
    return json.loads(mc), (None if kv is None else str(kv)), "h5"


def iter_layers(cfg):
    """Every layer config (class_name, config, name) in a model config, nested models and
    wrapped layers included, depth first."""
    if isinstance(cfg, dict) and "class_name" in cfg:
        yield cfg
        c = cfg.get("config")
        if isinstance(c, list):  # Keras <= 2.1 Sequential
            for l in c:
                yield from iter_layers(l)
        elif isinstance(c, dict):
            for l in c.get("layers", []) if isinstance(c.get("layers"), list) else []:
                yield from iter_layers(l)
            for k in WRAPPERS_WITH_INNER:
                if isinstance(c.get(k), dict):
                    yield from iter_layers(c[k])
            if isinstance(c.get("cells"), list):
                for l in c["cells"]:
                    yield from iter_layers(l)


def keras_layer_names():
    names = set(dir(keras.layers)) | MODEL_CLASSES | {"InputLayer"}
    return {n for n in names if n[:1].isupper()}


def layer_types(cfg):
    out = {}
    for l in iter_layers(cfg):
        out[l["class_name"]] = out.get(l["class_name"], 0) + 1
    return out


# --------------------------------------------------------------------------- Keras 2 translation

def hard_sigmoid_keras2(x):
    """Keras 1/2 hard_sigmoid: clip(0.2 * x + 0.5, 0, 1) (Keras 3's is relu6(x + 3) / 6)."""
    return keras.ops.clip(0.2 * x + 0.5, 0.0, 1.0)


CUSTOM_OBJECTS = {"hard_sigmoid_keras2": hard_sigmoid_keras2}
# Registered globally too: a layer wrapped in Bidirectional/TimeDistributed is deserialized
# without the load_model custom_objects scope.
keras.saving.get_custom_objects().update(CUSTOM_OBJECTS)
from keras.src import activations as _k_activations  # noqa: E402
_k_activations.ALL_OBJECTS_DICT.update(CUSTOM_OBJECTS)
RNN_CLASSES = {"LSTM", "GRU", "SimpleRNN", "RNN", "Bidirectional", "CuDNNLSTM", "CuDNNGRU"}

RULES = {
    "sequential-list-config": "Keras <= 2.1 stored a Sequential config as a bare list of layers; "
                              "wrapped as {'name': ..., 'layers': [...]}",
    "first-layer-batch_input_shape-to-InputLayer": "batch_input_shape of a Sequential's first "
        "layer moved into an explicit InputLayer(batch_shape=...); Keras 3's legacy loader turns "
        "a non-InputLayer batch_input_shape into input_shape and so adds a second batch dimension",
    "sequential-input-from-weights": "a Sequential saved without any input shape (tf.keras 1.x "
        "fit on arrays): its input shape is taken from the first layer's kernel in the file "
        "(Dense: [None, kernel rows]; Embedding: [None, None])",
    "drop-batch_input_shape-after-InputLayer": "tf.keras 2.13+ .keras files repeat the "
        "InputLayer's batch_input_shape on the next layer; Keras 3 layers take no such argument, "
        "and the InputLayer already states it",
    "drop-batch_input_shape-later-layer": "a batch_input_shape on a Sequential layer after the "
        "first two (tf.keras 2.15 kept a later layer's own input_shape argument, which Keras 2 "
        "ignores: only the first layer's builds the model); Keras 3 layers take no such argument",
    "gru-reset_after-false": "a GRU config without reset_after was written by Keras <= 2.1, "
        "whose GRU was reset_after=False (one bias vector); set explicitly, since Keras 3's "
        "default is True",
    "nested-model-node-index": "tf.keras 2 gave a nested Functional model a node 0 of its own "
        "(its construction), so the outer model's calls to it are numbered from 1; Keras 3 "
        "numbers them from 0: the references are shifted down by one",
    "drop-time_major-false": "time_major=False (the only value Keras 2 files hold) dropped: "
                             "Keras 3 RNN layers have no such argument",
    "drop-groups-1": "groups=1 (the default) dropped from a convolution config",
    "drop-initializer-dtype": "tf.keras 1.x-2.2 initializer configs carry dtype; Keras 3 "
        "initializers take none (the weights are loaded from the file anyway)",
    "wrapped-layer-module": "the layer inside TimeDistributed/Bidirectional got module "
        "'keras.layers': Keras 3 deserializes a wrapped layer with the new-format lookup, which "
        "cannot find a built-in class without it",
    "inbound-nodes-single-node": "tf.keras 1.x wrote a layer's single inbound node as "
        "[[name, node, tensor, kwargs]] instead of [[[name, node, tensor, kwargs]]]; wrapped in "
        "one more list",
    "rnn-initial-state-inputs-to-kwargs": "Keras 2 wrote an RNN called with initial states as "
        "one node with the states as extra inputs ([x, h, c]); Keras 3 takes them only as "
        "initial_state=[h, c], so that node is rewritten in the Keras 3 node format "
        "(args=[x], kwargs={'initial_state': [h, c]}), the same tensors",
    "rnn-initial-state-keras2-mask": "Keras 2 masked an RNN called as layer([x, h, c]) with x's "
        "mask; Keras 3 runs an RNN given initial_state tensors unmasked unless mask= is passed, so "
        "for x from Embedding(mask_zero=True) the node also gets mask=not_equal(ids, 0) (an added "
        "NotEqual op), the mask Keras 2 used",
    "hard_sigmoid-keras2": "'hard_sigmoid' translated to a registered function computing Keras "
        "1/2's hard_sigmoid, clip(0.2*x + 0.5, 0, 1); Keras 3's built-in hard_sigmoid is "
        "relu6(x + 3)/6 = clip(x/6 + 0.5, 0, 1), a different function",
}


WEIGHT_RULES = {
    "weights-paths-windows-backslash": "tf.keras 2.13-2.15 on Windows joined weight paths with "
        "os.path.join, so model.weights.h5 names groups like '_layer_checkpoint_dependencies\\"
        "dense' (one HDF5 name holding backslashes) where Linux writes nested groups; the copy "
        "Keras 3 loads has every such name split into nested groups (h5py copy, datasets and "
        "attributes byte for byte)",
    "weights-paths-tf.keras-2.13-container-names": "tf.keras before 2.14 named the entries of "
        "_layer_checkpoint_dependencies (an OrderedDict listing a layer with weights twice: "
        "layer_with_weights-i and layer-j) before skipping the duplicate, so a layer with weights "
        "used up two names of its class (flatten, dense, dense_2); renamed to the names Keras "
        "3 looks up (flatten, dense, dense_1)",
}


def keras_version_before_2_14(kv):
    m = re.match(r"(\d+)\.(\d+)", str(kv or ""))
    return bool(m) and int(m.group(1)) == 2 and int(m.group(2)) < 14


def snake_case(name):
    """keras.src.utils.naming.to_snake_case."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def normalized_weights(data, cfg, keras_version):
    """(bytes, patches) of a .keras file's model.weights.h5 rewritten into the layout Keras 3
    loads, or (None, []) when nothing needs changing: HDF5 names holding backslashes split into
    nested groups, and tf.keras < 2.14 container names renamed to Keras 3's. Only paths change;
    every dataset and attribute is copied as it is."""
    applied = {}
    src = h5py.File(io.BytesIO(data), "r")
    objects = []
    src.visititems(lambda name, obj: objects.append((name, obj)))
    backslashed = [n for n, _ in objects if "\\" in n.rsplit("/", 1)[-1]]
    if backslashed:
        applied["weights-paths-windows-backslash"] = [n for n in backslashed
                                                      if isinstance(src[n], h5py.Group)]
    buf = io.BytesIO()
    with h5py.File(buf, "w") as dst:
        for k, v in src.attrs.items():
            dst.attrs[k] = v
        for name, obj in objects:
            path = name.replace("\\", "/")
            parts = path.split("/")
            if any(p in ("", ".", "..") for p in parts):
                raise ValueError(f"weights path {name!r} is not a relative path")
            if isinstance(obj, h5py.Group):
                g = dst.require_group(path)
            else:
                if path in dst:
                    raise ValueError(f"two objects map to weights path {path!r}")
                g = dst.create_dataset(path, data=obj[()], dtype=obj.dtype)
            for k, v in obj.attrs.items():
                g.attrs[k] = v
        container = dst.get("_layer_checkpoint_dependencies")
        model_class = cfg.get("class_name")
        layers = cfg.get("config", {}).get("layers", []) if isinstance(cfg.get("config"), dict) else []
        if container is not None and keras_version_before_2_14(keras_version) and layers:
            if model_class == "Sequential" and layers[0].get("class_name") == "InputLayer":
                layers = layers[1:]
            used13, used3, moves = {}, {}, []
            for l in layers:
                base = snake_case(l["class_name"])
                n = used13.get(base)
                old = base if n is None else f"{base}_{n + 1}"
                used13[base] = 0 if n is None else n + 1
                m = used3.get(base)
                new = base if m is None else f"{base}_{m + 1}"
                used3[base] = 0 if m is None else m + 1
                g = container.get(old)
                if g is not None:
                    held = []
                    g.visititems(lambda _n, o: held.append(o) if isinstance(o, h5py.Dataset) else None)
                    if held:
                        used13[base] += 1
                    if old != new:
                        moves.append((old, new))
            for old, _ in moves:
                container.move(old, "__renaming__" + old)
            for old, new in moves:
                if new in container:
                    raise ValueError(f"rename {old} -> {new}: {new} exists")
                container.move("__renaming__" + old, new)
                applied.setdefault("weights-paths-tf.keras-2.13-container-names", []).append(
                    f"_layer_checkpoint_dependencies/{old} -> {new}")
    src.close()
    if not applied:
        return None, []
    return buf.getvalue(), [{"rule": r, "description": WEIGHT_RULES[r], "applied_at": a}
                            for r, a in applied.items()]


def first_kernel_shape(path, layer_name):
    """Shape of the first weight of a layer in an .h5 file, or None."""
    try:
        with h5py.File(path, "r") as f:
            g = f["model_weights"][layer_name]
            names = [n.decode() if isinstance(n, bytes) else n for n in g.attrs["weight_names"]]
            return list(g[names[0]].shape) if names else None
    except (KeyError, OSError):
        return None


def translate(cfg, keras_version, path=None):
    """A translated deep copy of a Keras 1/2 model config and the patches applied."""
    cfg = copy.deepcopy(cfg)
    applied = {}

    def note(rule, where):
        applied.setdefault(rule, []).append(where)

    keras2 = keras_version is not None and not str(keras_version).startswith("3")

    def fix_model(m, where):
        c = m.get("config")
        if m.get("class_name") == "Sequential" and isinstance(c, list):
            m["config"] = c = {"name": "sequential", "layers": c}
            note("sequential-list-config", where)
        if m.get("class_name") == "Sequential" and isinstance(c, dict):
            layers = c.get("layers", [])
            if len(layers) > 1 and layers[0].get("class_name") == "InputLayer":
                second = layers[1].get("config", {})
                if "batch_input_shape" in second:
                    del second["batch_input_shape"]
                    note("drop-batch_input_shape-after-InputLayer", f"{where}/{second.get('name')}")
                for later in layers[2:]:
                    lc = later.get("config", {}) if isinstance(later, dict) else {}
                    if isinstance(lc, dict) and "batch_input_shape" in lc:
                        del lc["batch_input_shape"]
                        note("drop-batch_input_shape-later-layer", f"{where}/{lc.get('name')}")
            if layers and layers[0].get("class_name") != "InputLayer":
                first = layers[0].get("config", {})
                bis = first.get("batch_input_shape")
                if bis is None and path is not None \
                        and "input_shape" not in first and "batch_shape" not in first:
                    kshape = first_kernel_shape(path, first.get("name"))
                    if layers[0].get("class_name") == "Dense" and kshape:
                        bis = [None, kshape[0]]
                    elif layers[0].get("class_name") == "Embedding":
                        bis = [None, None]
                    if bis is not None:
                        first["batch_input_shape"] = bis
                        note("sequential-input-from-weights",
                             f"{where}/{first.get('name')}: the model was saved unbuilt-shaped "
                             f"(no input shape); input {bis} from the layer's own kernel")
                if bis is not None:
                    del first["batch_input_shape"]
                    first.pop("input_shape", None)
                    il = {"class_name": "InputLayer",
                          "config": {"batch_shape": bis, "dtype": first.get("dtype", "float32"),
                                     "sparse": False, "name": first.get("name", "x") + "_input"}}
                    if "module" in layers[0]:  # a .keras file written by tf.keras 2.13+
                        il.update({"module": "keras.layers", "registered_name": None})
                    layers.insert(0, il)
                    note("first-layer-batch_input_shape-to-InputLayer",
                         f"{where}/{first.get('name')}: batch_input_shape {bis}")

    def walk(node, where):
        if isinstance(node, dict):
            cn = node.get("class_name")
            ib = node.get("inbound_nodes")
            if (isinstance(ib, list) and ib and isinstance(ib[0], list) and ib[0]
                    and isinstance(ib[0][0], str)):
                node["inbound_nodes"] = [ib]
                note("inbound-nodes-single-node", f"{where}/{node.get('name')}")
            if cn in RNN_CLASSES and isinstance(node.get("inbound_nodes"), list):
                nodes = node["inbound_nodes"]
                for i, nd in enumerate(nodes):
                    if isinstance(nd, list) and len(nd) > 1 and all(isinstance(e, list) for e in nd):
                        def kt(e):
                            return {"class_name": "__keras_tensor__",
                                    "config": {"shape": [None], "dtype": "float32",
                                               "keras_history": [e[0], e[1], e[2]]}}
                        kw = dict(nd[0][3]) if len(nd[0]) > 3 and isinstance(nd[0][3], dict) else {}
                        kw["initial_state"] = [kt(e) for e in nd[1:]]
                        nodes[i] = {"args": [kt(nd[0])], "kwargs": kw}
                        note("rnn-initial-state-inputs-to-kwargs",
                             f"{where}/{node.get('name')} node {i}: {len(nd) - 1} state(s)")
            if cn == "GRU" and isinstance(node.get("config"), dict) \
                    and "reset_after" not in node["config"]:
                node["config"]["reset_after"] = False
                note("gru-reset_after-false", f"{where}/{node['config'].get('name')}")
            if cn in ("Model", "Functional") and isinstance(node.get("config"), dict):
                keras2_mask_for_initial_states(node["config"], where, note)
            if cn in ("Model", "Functional") and isinstance(node.get("config"), dict):
                c = node["config"]
                nested = {l.get("name") or l.get("config", {}).get("name")
                          for l in c.get("layers", []) if isinstance(l, dict)
                          and l.get("class_name") in ("Model", "Functional")}
                def shift(refs):
                    for r in refs:
                        if isinstance(r, list) and len(r) >= 3 and isinstance(r[0], str):
                            if r[0] in nested and isinstance(r[1], int) and r[1] >= 1:
                                r[1] -= 1
                                note("nested-model-node-index", f"{where}/{c.get('name')}: {r[0]}")
                        elif isinstance(r, list):
                            shift(r)
                if nested:
                    for l in c.get("layers", []):
                        if isinstance(l, dict) and isinstance(l.get("inbound_nodes"), list):
                            shift(l["inbound_nodes"])
                    for k in ("output_layers", "input_layers"):
                        if isinstance(c.get(k), list):
                            shift([c[k]] if c[k] and isinstance(c[k][0], str) else c[k])
            if cn in INITIALIZERS and isinstance(node.get("config"), dict) \
                    and "dtype" in node["config"]:
                del node["config"]["dtype"]
                note("drop-initializer-dtype", f"{where}/{cn}")
            if cn in ("TimeDistributed", "Bidirectional") and isinstance(node.get("config"), dict):
                for k in ("layer", "backward_layer"):
                    inner = node["config"].get(k)
                    if isinstance(inner, dict) and "module" not in inner:
                        inner["module"] = "keras.layers"
                        inner.setdefault("registered_name", None)
                        note("wrapped-layer-module", f"{where}/{node['config'].get('name')}.{k}")
            if cn in ("Sequential", "Model", "Functional"):
                fix_model(node, where + "/" + str(node.get("config", {}).get("name", cn)
                                                   if isinstance(node.get("config"), dict)
                                                   else cn))
            c = node.get("config")
            if isinstance(c, dict) and cn is not None:
                name = c.get("name", cn)
                if c.get("time_major") is False:
                    del c["time_major"]
                    note("drop-time_major-false", f"{where}/{name}")
                if cn.startswith(("Conv", "SeparableConv", "DepthwiseConv")) and c.get("groups") == 1:
                    del c["groups"]
                    note("drop-groups-1", f"{where}/{name}")
                if keras2:
                    for k in ("activation", "recurrent_activation"):
                        if c.get(k) == "hard_sigmoid":
                            c[k] = "hard_sigmoid_keras2"
                            note("hard_sigmoid-keras2", f"{where}/{name}.{k}")
            for k, v in node.items():
                if isinstance(v, (dict, list)):
                    walk(v, where)
        elif isinstance(node, list):
            for v in node:
                walk(v, where)

    walk(cfg, "model")
    patches = [{"rule": r, "description": RULES[r], "applied_at": a} for r, a in applied.items()]
    return cfg, patches


def _entry(e):
    return isinstance(e, list) and len(e) >= 3 and isinstance(e[0], str)


def keras2_mask_for_initial_states(c, where, note):
    """Keras 2 masked an RNN called as layer([x, *states]) with x's mask; Keras 3 runs an RNN
    called with initial_state tensors unmasked unless mask= is passed. For an x that comes from an
    Embedding(mask_zero=True), the node gets initial_state=[...] and mask=not_equal(ids, 0), the
    mask Keras 2 computed (an added NotEqual op, as Keras 3 serializes keras.ops.not_equal)."""
    layers = c.get("layers")
    if not isinstance(layers, list):
        return
    by_name = {l.get("name"): l for l in layers if isinstance(l, dict)}
    added = []
    for l in layers:
        if not isinstance(l, dict) or l.get("class_name") not in RNN_CLASSES:
            continue
        for i, nd in enumerate(l.get("inbound_nodes") or []):
            if not (isinstance(nd, list) and len(nd) > 1 and all(_entry(e) for e in nd)):
                continue
            src = by_name.get(nd[0][0])
            if not src or src.get("class_name") != "Embedding" \
                    or not src.get("config", {}).get("mask_zero"):
                continue
            ids = next((e for n2 in src.get("inbound_nodes") or [] for e in
                        (n2 if isinstance(n2, list) and n2 and _entry(n2[0]) else [n2])
                        if _entry(e)), None)
            if ids is None:
                continue

            def kt(e):
                return {"class_name": "__keras_tensor__",
                        "config": {"shape": [None], "dtype": "float32",
                                   "keras_history": [e[0], e[1], e[2]]}}
            op = f"keras2_mask_{l.get('name')}_{i}"
            added.append({"module": "keras.src.ops.numpy", "class_name": "NotEqual",
                          "config": {"name": op}, "registered_name": "NotEqual", "name": op,
                          "inbound_nodes": [{"args": [kt(ids), 0], "kwargs": {}}]})
            kw = dict(nd[0][3]) if len(nd[0]) > 3 and isinstance(nd[0][3], dict) else {}
            kw["initial_state"] = [kt(e) for e in nd[1:]]
            kw["mask"] = kt([op, 0, 0])
            l["inbound_nodes"][i] = {"args": [kt(nd[0])], "kwargs": kw}
            note("rnn-initial-state-keras2-mask",
                 f"{where}/{l.get('name')} node {i}: mask not_equal({ids[0]}, 0) of "
                 f"Embedding '{src.get('name')}'")
    layers[:0] = added


def write_patched_copy(src: Path, cfg, dst: Path, weights=None):
    """A copy of src with its model config replaced by cfg and, for a .keras, its
    model.weights.h5 by the bytes `weights` when given."""
    if zipfile.is_zipfile(src):
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
            for item in zin.infolist():
                data = zin.read(item.filename)
                if item.filename == "config.json":
                    data = json.dumps(cfg).encode("utf8")
                if item.filename == "model.weights.h5" and weights is not None:
                    data = weights
                zout.writestr(item, data)
        return
    shutil.copyfile(src, dst)
    with h5py.File(dst, "r+") as f:
        f.attrs["model_config"] = json.dumps(cfg).encode("utf8")


def h5_weight_arrays(path: Path):
    arrays = []
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z, tempfile.TemporaryDirectory() as tmp:
            z.extract("model.weights.h5", tmp)
            return h5_weight_arrays(Path(tmp) / "model.weights.h5")
    with h5py.File(path, "r") as f:
        g = f["model_weights"] if "model_weights" in f else f

        def visit(name, obj):
            # a .keras also stores the optimizer's and the compiled metrics' variables, which a
            # model loaded with compile=False does not have (names may use '\\' as '/')
            top = name.replace("\\", "/").split("/")[0]
            if g is f and top in ("optimizer", "metrics"):
                return
            if isinstance(obj, h5py.Dataset):
                arrays.append(np.asarray(obj[()]))
        g.visititems(visit)
    return arrays


def weights_equal(model, path: Path):
    """The model's variables are the file's datasets (as a multiset of exact arrays)."""
    def key(a):
        a = np.ascontiguousarray(np.asarray(a, dtype=np.float32))
        return (a.shape, hashlib.sha256(a.tobytes()).hexdigest())
    file_keys = sorted(map(key, h5_weight_arrays(path)), key=str)
    model_keys = sorted((key(v.numpy()) for v in model.weights), key=str)
    return {"n_file_arrays": len(file_keys), "n_model_variables": len(model_keys),
            "all_equal": file_keys == model_keys}


# --------------------------------------------------------------------------- inputs

def embedding_inputs(model):
    """{input index: input_dim} for model inputs that feed an Embedding layer directly."""
    out = {}
    ids = {id(t): i for i, t in enumerate(model.inputs)}

    def scan(m, input_map):
        for layer in m.layers:
            if isinstance(layer, keras.layers.Embedding):
                for node in layer._inbound_nodes:
                    for t in node.input_tensors:
                        if id(t) in input_map:
                            out[input_map[id(t)]] = layer.input_dim
            elif isinstance(layer, keras.Model):
                # a nested model called on an outer input: map its own inputs
                inner = {}
                for node in layer._inbound_nodes:
                    for j, t in enumerate(node.input_tensors):
                        if id(t) in input_map and j < len(layer.inputs):
                            inner[id(layer.inputs[j])] = input_map[id(t)]
                if inner:
                    scan(layer, inner)
    scan(model, ids)
    return out


def draw_inputs(model, seed):
    np.random.seed(seed)
    emb = embedding_inputs(model)
    arrays, meta = [], []
    for i, t in enumerate(model.inputs):
        shape = [4 if (j == 0 and d is None) else (8 if d is None else int(d))
                 for j, d in enumerate(t.shape)]
        if i in emb:
            a = np.random.randint(0, emb[i], size=shape).astype(np.int32)
            gen = f"int_uniform[0,{emb[i]})_embedding"
        else:
            a = np.random.random_sample(shape).astype(np.float32)
            gen = "uniform[0,1)_float32"
        arrays.append(a)
        meta.append({"file": f"input_{i}.npy", "name": t.name, "shape": list(a.shape),
                     "dtype": str(a.dtype), "generator": gen,
                     "model_input_shape": [None if d is None else int(d) for d in t.shape],
                     "model_input_dtype": str(t.dtype)})
    return arrays, meta


# --------------------------------------------------------------------------- one file

def short_error(e):
    s = f"{type(e).__name__}: {e}"
    s = re.sub(r"\s+", " ", s)
    return s[:300]


def reference(entry):
    d = CORPUS / entry["id"]
    path = CORPUS / entry["file"]
    seed = int(re.sub(r"\D", "", entry["id"]))
    for old in list(d.glob("input_*.npy")) + list(d.glob("output_*.npy")) + [d / "keras_ref.json"]:
        if old.exists():
            old.unlink()
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if sha != entry["sha256"]:
        raise SystemExit(f"{path}: sha256 {sha} is not the manifest's {entry['sha256']}")
    cfg, kv, fmt = read_config(path)
    types = layer_types(cfg)
    known = keras_layer_names()
    lambdas = [l.get("config", {}).get("name") for l in iter_layers(cfg) if l["class_name"] == "Lambda"]
    custom = sorted({l["class_name"] for l in iter_layers(cfg)
                     if l["class_name"] not in known and l["class_name"] != "Lambda"})
    ref = {"id": entry["id"], "model_file": Path(entry["file"]).name, "model_sha256": sha,
           "keras_version": kv, "format": fmt, "layer_types": types, "seed": seed,
           "keras_runtime": keras.__version__, "tf_runtime": tf.__version__}
    entry.update({"keras_version": kv, "format": fmt, "layer_types": types})
    if lambdas or custom:
        # Never deserialize such a file: a Lambda holds Python bytecode, a custom class needs code
        # the file does not contain.
        if lambdas:
            ref["expected"] = "refuse-lambda"
            ref["reason"] = (f"Lambda layer(s) {', '.join(map(str, lambdas))} hold serialized "
                             "Python code; the file must be refused and the code never run")
            ref["refuse_names"] = [str(x) for x in lambdas]
        else:
            ref["expected"] = "refuse-custom"
            ref["reason"] = (f"custom (non-Keras) class(es) {', '.join(custom)}: the file does "
                             "not contain their code, so no loader can rebuild them")
            ref["refuse_names"] = custom
        ref["keras3_as_is"] = "not loaded (needs code the file does not contain)"
        entry.update({k: ref[k] for k in ("expected", "reason", "keras3_as_is")})
        (d / "keras_ref.json").write_text(json.dumps(ref, indent=1) + "\n")
        return ref

    keras.backend.clear_session()
    model, as_is_error = None, None
    try:
        model = keras.models.load_model(path, compile=False)
        ref["keras3_as_is"] = "loads"
    except Exception as e:  # noqa: BLE001 - any failure is recorded
        as_is_error = short_error(e)
        ref["keras3_as_is"] = "fails: " + as_is_error

    patched_cfg, patches = translate(cfg, kv, path if fmt == "h5" else None)
    patched_weights = None
    if fmt == "keras":
        with zipfile.ZipFile(path) as z:
            patched_weights, weight_patches = normalized_weights(z.read("model.weights.h5"),
                                                                 patched_cfg, kv)
        patches += weight_patches
    needs_semantics = any(p["rule"] == "hard_sigmoid-keras2" for p in patches)
    ref["reference_source"] = "keras3-as-is"
    if model is None or needs_semantics:
        if not patches:
            ref["expected"] = "load-only"
            ref["reason"] = f"Keras 3.15 cannot load the file and no translation applies: {as_is_error}"
            entry.update({k: ref[k] for k in ("expected", "reason", "keras3_as_is")})
            (d / "keras_ref.json").write_text(json.dumps(ref, indent=1) + "\n")
            return ref
        native = model
        with tempfile.TemporaryDirectory() as tmp:
            copy_path = Path(tmp) / ("patched." + ("keras" if fmt == "keras" else "h5"))
            write_patched_copy(path, patched_cfg, copy_path, patched_weights)
            keras.backend.clear_session()
            try:
                model = keras.models.load_model(copy_path, compile=False,
                                                custom_objects=CUSTOM_OBJECTS)
            except Exception as e:  # noqa: BLE001
                ref["expected"] = "load-only"
                ref["reason"] = ("Keras 3.15 cannot load the file, even with its config translated: "
                                 + short_error(e))
                ref["patches"] = patches
                entry.update({k: ref[k] for k in ("expected", "reason", "keras3_as_is")})
                (d / "keras_ref.json").write_text(json.dumps(ref, indent=1) + "\n")
                return ref
        ref["reference_source"] = ("keras3-patched-config-and-weight-paths"
                                   if patched_weights is not None else "keras3-patched-config")
        ref["patches"] = patches
        ref["weights_verified"] = weights_equal(model, path)
        if not ref["weights_verified"]["all_equal"]:
            ref["expected"] = "load-only"
            ref["reason"] = ("Keras 3.15 loads the translated config but not the file's weights "
                             "(its variables differ from the file's datasets): no reference")
            entry.update({k: ref[k] for k in ("expected", "reason", "keras3_as_is")})
            (d / "keras_ref.json").write_text(json.dumps(ref, indent=1) + "\n")
            return ref
        if needs_semantics:
            ref["semantics_caveat"] = {
                "kind": ["hard_sigmoid"],
                "text": (f"The file was written by Keras {kv} and uses 'hard_sigmoid', which in "
                         "Keras 1/2 means clip(0.2*x + 0.5, 0, 1); Keras 3 maps the same name to "
                         "relu6(x + 3)/6. The outputs follow the file's own (Keras 2) semantics."
                         + (" Keras 3 loads the file as-is but computes a different function."
                            if native is not None else ""))}
    else:
        ref["weights_verified"] = weights_equal(model, path)

    inputs, in_meta = draw_inputs(model, seed)
    outs = model.predict(inputs if len(inputs) > 1 else inputs[0], batch_size=4, verbose=0)
    outs = outs if isinstance(outs, (list, tuple)) else [outs]
    # Large image models: one sample keeps the repository small (a row's output does not depend
    # on the other rows of the batch at inference). The input draw is unchanged: its first row.
    per_sample = sum(a[:1].nbytes for a in list(inputs) + [np.asarray(o) for o in outs])
    if per_sample > TRIM_BYTES_PER_SAMPLE:
        inputs = [a[:1] for a in inputs]
        outs = [np.asarray(o)[:1] for o in outs]
        ref["batch_trimmed"] = (f"one sample ({per_sample} bytes of inputs and outputs per "
                                f"sample > {TRIM_BYTES_PER_SAMPLE}): the first row of the batch "
                                "of 4 that was drawn and predicted")
        in_meta = [dict(m, shape=[1] + list(m["shape"])[1:]) for m in in_meta]
    for i, a in enumerate(inputs):
        np.save(d / f"input_{i}.npy", a)
    out_meta = []
    for k, o in enumerate(outs):
        o = np.ascontiguousarray(np.asarray(o, dtype=np.float32))
        np.save(d / f"output_{k}.npy", o)
        out_meta.append({"file": f"output_{k}.npy", "shape": list(o.shape), "dtype": "float32",
                         "finite": bool(np.isfinite(o).all()),
                         "absmax": float(np.abs(o).max()) if o.size else 0.0})
    ref.update({"inputs": in_meta, "outputs": out_meta, "expected": "parity",
                "tolerance": {"atol": 1e-5, "rtol": 0}})
    weight_rules = [p["rule"] for p in patches if p["rule"] in WEIGHT_RULES]
    ref["reason"] = ("Keras 3.15 loads the file as-is" if ref["reference_source"] == "keras3-as-is"
                     else "reference from a config-only translation ("
                     + ", ".join(p["rule"] for p in patches) + ")" if not weight_rules
                     else "reference from a translated copy: config ("
                     + ", ".join(p["rule"] for p in patches if p["rule"] not in WEIGHT_RULES)
                     + ") and model.weights.h5 paths (" + ", ".join(weight_rules) + "; datasets "
                     "unchanged, weights_verified)")
    entry.update({k: ref[k] for k in ("expected", "reason", "keras3_as_is", "reference_source")})
    if "patches" in ref:
        entry["patches"] = [p["rule"] for p in ref["patches"]]
    if "semantics_caveat" in ref:
        entry["semantics_caveat"] = ref["semantics_caveat"]["text"]
    override = entry.get("expected_override")
    if override:
        # A manual finding about this file (see MANIFEST.json): the reference is kept, the
        # expectation is what the finding says.
        ref["expected"] = override["expected"]
        ref["reason"] = override["reason"]
        entry.update({"expected": ref["expected"], "reason": ref["reason"]})
    (d / "keras_ref.json").write_text(json.dumps(ref, indent=1) + "\n")
    return ref


TRIM_BYTES_PER_SAMPLE = 1 << 20


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    keras.utils.set_random_seed(0)
    tf.config.experimental.enable_op_determinism()
    manifest_path = CORPUS / "MANIFEST.json"
    manifest = json.loads(manifest_path.read_text())
    done = 0
    for entry in manifest["files"]:
        if args.only and entry["id"] not in args.only:
            continue
        try:
            ref = reference(entry)
        except SystemExit:
            raise
        except Exception as e:  # noqa: BLE001 - recorded, the file needs a look
            ref = {"expected": "load-only", "keras3_as_is": "?",
                   "reason": "no reference: " + short_error(e)}
            entry.update({"expected": "load-only", "reason": ref["reason"]})
            (CORPUS / entry["id"] / "keras_ref.json").write_text(json.dumps(ref, indent=1) + "\n")
        done += 1
        print(f"{entry['id']}: {ref['expected']:14s} as-is: {ref['keras3_as_is'][:90]}", flush=True)
    manifest["keras_runtime"] = keras.__version__
    manifest["tf_runtime"] = tf.__version__
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"corpus.py: {done} file(s)")


if __name__ == "__main__":
    sys.exit(main())
