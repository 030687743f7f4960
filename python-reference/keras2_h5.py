#!/usr/bin/env python3
"""Write a Keras 3 model as a tf.keras 2.x-style legacy HDF5 file (model_keras2.h5).

KerasBridge must read the HDF5 files that tf.keras 2.x wrote with
``model.save("x.h5")``. Keras 3 cannot write them any more (its legacy H5 has
Keras 3 layer configs), so this module writes that layout directly with h5py,
from a live Keras 3 model, keeping the model's meaning (same function, same
weights). Only what tf.keras 2.x wrote differently is translated.

File layout (tf.keras 2.x ``save_model_to_hdf5`` with include_optimizer=False,
i.e. no ``training_config`` and no ``optimizer_weights``):

  /                   attrs keras_version = b"2.11.0", backend = b"tensorflow",
                      model_config = JSON (bytes) {"class_name", "config"}
  /model_weights      attrs layer_names (array of bytes, model.layers order;
                      for a Functional model this includes the InputLayers),
                      backend, keras_version
  /model_weights/<layer>                 attr weight_names (array of bytes, e.g.
                                         b"dense_1/kernel:0"; a layer without
                                         weights has an empty float64 array,
                                         exactly as h5py stores ``[]``)
  /model_weights/<layer>/<weight name>   one float32 dataset per weight

All string attributes are fixed-length byte strings (numpy ``S`` dtype), as
tf.keras 2.x wrote them with h5py 2.x (``str.encode("utf8")``). A list
attribute longer than 64512 bytes is split into ``<name>0``, ``<name>1``, ...
like tf.keras's ``save_attributes_to_hdf5_group``. Weights of a layer are in
tf.keras's legacy order ``trainable_weights + non_trainable_weights``.

Config translation (Keras 3 -> tf.keras 2.x):
  * objects: {"module", "class_name", "config", "registered_name"} ->
    {"class_name", "config"}; dtype policies -> the dtype name ("float32");
    initializers keep only their tf.keras 2 keys (GlorotUniform -> {"seed": null},
    Orthogonal -> {"gain", "seed"}, ...); regularizers {"l1"}/{"l2"}/{"l1","l2"}.
  * every layer gets exactly the tf.keras 2.x key set of its class (see KEYS);
    Keras 3 keys unknown to tf.keras 2 are dropped only when they hold their
    neutral value (quantization_config None, rms_scaling False, ...), otherwise
    the conversion fails (Keras2Unsupported). Missing tf.keras 2 keys get the
    value that means the same thing (time_major False, LSTM/GRU
    implementation 2, Embedding input_length None, activity_regularizer None).
  * renamed/reshaped values: InputLayer batch_shape -> batch_input_shape;
    LeakyReLU negative_slope -> alpha; BatchNormalization/LayerNormalization axis
    -> list of non-negative axes (what tf.keras 2 stored after build);
    activation "silu" -> "swish". Activations that tf.keras 2.11 did not have
    (relu6, leaky_relu, log_softmax, ...) and "hard_sigmoid" (different formula,
    see below) raise Keras2Unsupported unless allowed.
  * Sequential: {"name", "layers"}; layers carry an explicit InputLayer, or, with
    ``first_layer_batch_input_shape=True``, no InputLayer and
    ``batch_input_shape`` on the first layer (tf.keras before 2.4 / models
    built with ``input_shape=``).
  * Functional: {"name", "layers", "input_layers", "output_layers"}; each layer
    {"class_name", "config", "name", "inbound_nodes"} with inbound_nodes as
    nested lists [[["layer", node_index, tensor_index, {}], ...], ...];
    input_layers/output_layers always lists of [name, node_index, tensor_index].
    class_name "Functional" (tf.keras >= 2.4) or "Model" (older).
    A nested Sequential/Functional that starts with an InputLayer has a
    built-in node 0 in tf.keras 2, so calls to it inside the outer model are
    numbered from 1 (Keras 3 numbers a nested Sequential from 0).
  * Bidirectional: "layer" is the wrapped layer's own config (its original
    name, without the "forward_" prefix Keras 3 stores); the auto-generated
    backward layer is not written (tf.keras 2 wrote backward_layer only when
    one was passed explicitly), nor the zero_output_for_mask that Bidirectional
    forces to return_sequences on its copies. TimeDistributed: "layer" config.
  * weight names (tf.keras 2.x TF2 variable names): "<layer>/<var>:0";
    RNNs "<layer>/<cell>/<var>:0" with cell lstm_cell / gru_cell /
    simple_rnn_cell; Bidirectional
    "<bidi>/forward_<rnn>/<cell>/<var>:0" then the backward ones;
    TimeDistributed "<td>/<var>:0" (the inner layer is built, not called, so
    its own name is not in the scope); DepthwiseConv2D "depthwise_kernel";
    weights of a nested model keep the inner layers' names ("dense_1/kernel:0").

hard_sigmoid: tf.keras 2.x defined it as clip(0.2 x + 0.5, 0, 1), Keras 3 as
relu6(x + 3) / 6. A file with "hard_sigmoid" and keras_version 2.x therefore
means the Keras 2 formula. ``save_keras2_h5`` refuses such models unless
``allow_hard_sigmoid=True``; the caller must then provide expected outputs
computed with the Keras 2 formula (layer_fixtures.py does this with a Keras 3
twin whose hard_sigmoid is replaced by ``keras2_hard_sigmoid``).

Verification: ``verify_keras2_h5`` rebuilds a model from a file written here,
first with plain ``keras.models.load_model`` and, when Keras 3 cannot read the
tf.keras 2 config (it rejects time_major, cannot deserialize a wrapped layer
without "module", reads a first-layer batch_input_shape as a per-sample shape,
numbers a nested Sequential's nodes from 0, drops a multi-axis "axis" list),
by undoing exactly the tf.keras 2 differences listed above
(``keras2_config_to_keras3``) and loading the weights with Keras 3's own
order-based legacy loader (``load_weights_from_hdf5_group``).

CLI:
  keras2_h5.py MODEL.keras OUT.h5 [--batch-input-shape] [--class-name Model]
  keras2_h5.py --seeds [--models DIR]   # models/<seed>/model_keras2.h5 + fixture.json
"""

import argparse
import copy
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import h5py  # noqa: E402
import numpy as np  # noqa: E402

KERAS2_VERSION = "2.11.0"
BACKEND = "tensorflow"
HDF5_OBJECT_HEADER_LIMIT = 64512

HERE = Path(__file__).resolve().parent

# The seed models (models/<name>/) that get a model_keras2.h5; the value is the
# Sequential style: True = batch_input_shape on the first layer, no InputLayer.
SEED_MODELS = {
    "ae_simple": False,
    "ae_deep": False,
    "ae_denoising": False,
    "ae_sparse": False,
    "ae_2d": False,
    "mnist_cnn": False,
    "cnn_channels_first": False,
    "rnn_classifier": False,
    "lstm_regressor": False,
    "linear_regressor": True,
    "mlp_classifier": True,
}


class Keras2Unsupported(Exception):
    """The model uses something tf.keras 2.x could not express with the same meaning."""


# ---------------------------------------------------------------------------
# Activations, initializers, regularizers, constraints
# ---------------------------------------------------------------------------

# Built-in activation names of tf.keras 2.11 (tf.keras.activations).
KERAS2_ACTIVATIONS = {
    "linear", "relu", "sigmoid", "hard_sigmoid", "tanh", "softmax", "elu", "selu",
    "softplus", "softsign", "exponential", "gelu", "swish",
}
ACTIVATION_TO_KERAS2 = {"silu": "swish"}

INITIALIZER_KEYS = {
    "GlorotUniform": ["seed"], "GlorotNormal": ["seed"],
    "HeUniform": ["seed"], "HeNormal": ["seed"],
    "LecunUniform": ["seed"], "LecunNormal": ["seed"],
    "Orthogonal": ["gain", "seed"],
    "RandomUniform": ["minval", "maxval", "seed"],
    "RandomNormal": ["mean", "stddev", "seed"],
    "TruncatedNormal": ["mean", "stddev", "seed"],
    "VarianceScaling": ["scale", "mode", "distribution", "seed"],
    "Zeros": [], "Ones": [], "Constant": ["value"], "Identity": ["gain"],
}
REGULARIZER_KEYS = {"L1": ["l1"], "L2": ["l2"], "L1L2": ["l1", "l2"]}
CONSTRAINT_KEYS = {
    "MaxNorm": ["max_value", "axis"], "NonNeg": [], "UnitNorm": ["axis"],
    "MinMaxNorm": ["min_value", "max_value", "rate", "axis"],
}


def _activation(value, ctx):
    if value is None:
        return "linear"
    if isinstance(value, dict):
        # Keras 3 may serialize a built-in as {"module": "keras.activations",
        # "class_name": "function", "config": "relu", ...}.
        if value.get("class_name") == "function" and isinstance(value.get("config"), str):
            value = value["config"]
        else:
            raise Keras2Unsupported(f"{ctx}: non built-in activation {value!r}")
    name = ACTIVATION_TO_KERAS2.get(value, value)
    if name == "hard_sigmoid" and not ctx.allow_hard_sigmoid:
        raise Keras2Unsupported(
            f"{ctx}: hard_sigmoid means clip(0.2x+0.5, 0, 1) in tf.keras 2 but relu6(x+3)/6 in "
            "Keras 3 (pass allow_hard_sigmoid=True and Keras-2 expected outputs)")
    if name not in KERAS2_ACTIVATIONS:
        raise Keras2Unsupported(f"{ctx}: activation {value!r} does not exist in tf.keras 2.11")
    return name


def _object(value, table, kind, ctx):
    """Keras 3 serialized object -> tf.keras 2 {"class_name", "config"}."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    cls = value["class_name"]
    if cls not in table:
        raise Keras2Unsupported(f"{ctx}: {kind} {cls} has no tf.keras 2 mapping here")
    cfg = value.get("config") or {}
    return {"class_name": cls, "config": {k: cfg.get(k) for k in table[cls]}}


def _dtype(value):
    if isinstance(value, dict):  # DTypePolicy
        return value["config"]["name"]
    return value


# ---------------------------------------------------------------------------
# Layer configs
# ---------------------------------------------------------------------------

_CONV_TAIL = ["activation", "use_bias", "kernel_initializer", "bias_initializer",
              "kernel_regularizer", "bias_regularizer", "activity_regularizer",
              "kernel_constraint", "bias_constraint"]
_RNN_BASE = ["return_sequences", "return_state", "go_backwards", "stateful", "unroll", "time_major"]
_RNN_TAIL = ["kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
             "activity_regularizer", "kernel_constraint", "recurrent_constraint",
             "bias_constraint", "dropout", "recurrent_dropout"]
_RNN_INITS = ["kernel_initializer", "recurrent_initializer", "bias_initializer"]
_POOL = ["pool_size", "padding", "strides", "data_format"]
_NORM_INITS = ["beta_initializer", "gamma_initializer"]
_NORM_TAIL = ["beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint"]

# tf.keras 2.x get_config() keys per class, after the base keys name, trainable,
# (batch_input_shape), dtype. Order as tf.keras wrote them.
KEYS = {
    "Dense": ["units"] + _CONV_TAIL,
    "Conv1D": ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
               "groups"] + _CONV_TAIL,
    "Conv2D": ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
               "groups"] + _CONV_TAIL,
    "Conv2DTranspose": ["filters", "kernel_size", "strides", "padding", "data_format",
                        "dilation_rate"] + _CONV_TAIL + ["output_padding"],
    "SeparableConv2D": ["filters", "kernel_size", "strides", "padding", "data_format",
                        "dilation_rate", "activation", "use_bias", "bias_initializer",
                        "bias_regularizer", "activity_regularizer", "bias_constraint",
                        "depth_multiplier", "depthwise_initializer", "pointwise_initializer",
                        "depthwise_regularizer", "pointwise_regularizer",
                        "depthwise_constraint", "pointwise_constraint"],
    "DepthwiseConv2D": ["kernel_size", "strides", "padding", "data_format", "dilation_rate",
                        "activation", "use_bias", "bias_initializer", "bias_regularizer",
                        "activity_regularizer", "bias_constraint", "depth_multiplier",
                        "depthwise_initializer", "depthwise_regularizer",
                        "depthwise_constraint"],
    "MaxPooling1D": _POOL, "AveragePooling1D": _POOL,
    "MaxPooling2D": _POOL, "AveragePooling2D": _POOL,
    "GlobalMaxPooling1D": ["data_format", "keepdims"],
    "GlobalAveragePooling1D": ["data_format", "keepdims"],
    "GlobalMaxPooling2D": ["data_format", "keepdims"],
    "GlobalAveragePooling2D": ["data_format", "keepdims"],
    "Flatten": ["data_format"],
    "Reshape": ["target_shape"],
    "Permute": ["dims"],
    "RepeatVector": ["n"],
    "Dropout": ["rate", "noise_shape", "seed"],
    "SpatialDropout1D": ["rate", "noise_shape", "seed"],
    "SpatialDropout2D": ["rate", "noise_shape", "seed", "data_format"],
    "SpatialDropout3D": ["rate", "noise_shape", "seed", "data_format"],
    "GaussianNoise": ["stddev", "seed"],
    "GaussianDropout": ["rate", "seed"],
    "AlphaDropout": ["rate", "seed"],
    "Rescaling": ["scale", "offset"],
    "Resizing": ["height", "width", "interpolation", "crop_to_aspect_ratio"],
    "RandomFlip": ["mode", "seed"],
    "RandomRotation": ["factor", "fill_mode", "fill_value", "interpolation", "seed"],
    "RandomZoom": ["height_factor", "width_factor", "fill_mode", "fill_value", "interpolation",
                   "seed"],
    "RandomTranslation": ["height_factor", "width_factor", "fill_mode", "fill_value",
                          "interpolation", "seed"],
    "RandomContrast": ["factor", "seed"],
    "RandomBrightness": ["factor", "value_range", "seed"],
    "ActivityRegularization": ["l1", "l2"],
    "Activation": ["activation"],
    "ReLU": ["max_value", "negative_slope", "threshold"],
    "LeakyReLU": ["alpha"],
    "ELU": ["alpha"],
    "PReLU": ["alpha_initializer", "alpha_regularizer", "alpha_constraint", "shared_axes"],
    "Softmax": ["axis"],
    "ZeroPadding1D": ["padding"],
    "ZeroPadding2D": ["padding", "data_format"],
    "Cropping1D": ["cropping"],
    "Cropping2D": ["cropping", "data_format"],
    "UpSampling1D": ["size"],
    "UpSampling2D": ["size", "data_format", "interpolation"],
    "BatchNormalization": ["axis", "momentum", "epsilon", "center", "scale"] + _NORM_INITS
                          + ["moving_mean_initializer", "moving_variance_initializer"] + _NORM_TAIL,
    "LayerNormalization": ["axis", "epsilon", "center", "scale"] + _NORM_INITS + _NORM_TAIL,
    "Embedding": ["input_dim", "output_dim", "embeddings_initializer", "embeddings_regularizer",
                  "activity_regularizer", "embeddings_constraint", "mask_zero", "input_length"],
    "Masking": ["mask_value"],
    "SimpleRNN": _RNN_BASE + ["units", "activation", "use_bias"] + _RNN_INITS + _RNN_TAIL,
    "LSTM": _RNN_BASE + ["units", "activation", "recurrent_activation", "use_bias"] + _RNN_INITS
            + ["unit_forget_bias"] + _RNN_TAIL + ["implementation"],
    "GRU": _RNN_BASE + ["units", "activation", "recurrent_activation", "use_bias"] + _RNN_INITS
           + _RNN_TAIL + ["implementation", "reset_after"],
    "Bidirectional": ["layer", "merge_mode"],
    "TimeDistributed": ["layer"],
    "Add": [], "Subtract": [], "Multiply": [], "Average": [], "Maximum": [], "Minimum": [],
    "Concatenate": ["axis"],
    "Dot": ["axes", "normalize"],
}

# Keras 3 keys that tf.keras 2 did not write: dropped when they hold this value.
NEUTRAL_KERAS3_KEYS = {
    "quantization_config": None, "lora_rank": None, "lora_alpha": None,
    "synchronized": False, "renorm": False, "renorm_clipping": None, "renorm_momentum": 0.99,
    "rms_scaling": False, "zero_output_for_mask": False, "optional": False,
    "activity_regularizer": None,
}
PER_CLASS_NEUTRAL = {
    "LSTM": {"seed": None}, "GRU": {"seed": None}, "SimpleRNN": {"seed": None},
    "ZeroPadding1D": {"data_format": "channels_last"},
    "Embedding": {"sparse": False},
    "Conv2DTranspose": {"groups": 1}, "SeparableConv2D": {"groups": 1},
    "DepthwiseConv2D": {"groups": 1},
    "AlphaDropout": {"noise_shape": None},
    # tf.keras 2's image augmentation layers had no data_format (always channels_last), and
    # RandomContrast no value_range (it did not clip)
    "Resizing": {"data_format": "channels_last", "pad_to_aspect_ratio": False,
                 "fill_mode": "constant", "fill_value": 0.0, "antialias": False},
    "RandomFlip": {"data_format": "channels_last"},
    "RandomRotation": {"data_format": "channels_last"},
    "RandomZoom": {"data_format": "channels_last"},
    "RandomTranslation": {"data_format": "channels_last"},
    "RandomContrast": {"data_format": "channels_last", "value_range": (0, 255)},
    "RandomBrightness": {"data_format": "channels_last"},
}
# tf.keras 2 keys missing from Keras 3 configs, with the value meaning the same.
KERAS2_DEFAULTS = {
    "activity_regularizer": None, "time_major": False, "input_length": None, "groups": 1,
    "noise_shape": None,
}
RNN_CELL_NAMES = {"SimpleRNN": "simple_rnn_cell", "LSTM": "lstm_cell", "GRU": "gru_cell"}


class _Ctx:
    def __init__(self, where, allow_hard_sigmoid):
        self.where = where
        self.allow_hard_sigmoid = allow_hard_sigmoid

    def at(self, where):
        return _Ctx(where, self.allow_hard_sigmoid)

    def __str__(self):
        return self.where


def _value(cls, key, cfg, ctx, rank):
    if key == "implementation":
        return int(cfg.get("implementation", 2))
    if key == "alpha" and cls == "LeakyReLU":
        return cfg["negative_slope"]
    if key not in cfg:
        if key in KERAS2_DEFAULTS:
            return KERAS2_DEFAULTS[key]
        raise Keras2Unsupported(f"{ctx}: Keras 3 config has no {key!r}")
    v = cfg[key]
    if key in ("activation", "recurrent_activation"):
        return _activation(v, ctx.at(f"{ctx}.{key}"))
    if key.endswith("_initializer"):
        return _object(v, INITIALIZER_KEYS, "initializer", ctx)
    if key.endswith("_regularizer"):
        return _object(v, REGULARIZER_KEYS, "regularizer", ctx)
    if key.endswith("_constraint"):
        return _object(v, CONSTRAINT_KEYS, "constraint", ctx)
    if key == "axis" and cls in ("BatchNormalization", "LayerNormalization"):
        axes = v if isinstance(v, (list, tuple)) else [v]
        if rank is None:
            raise Keras2Unsupported(f"{ctx}: input rank unknown, cannot resolve axis {v}")
        return [int(a) + rank if int(a) < 0 else int(a) for a in axes]
    return copy.deepcopy(v)


def layer_config(cls, cfg, ctx, rank=None, batch_input_shape=None):
    """Keras 3 layer config dict -> tf.keras 2 layer config dict."""
    if cls not in KEYS:
        raise Keras2Unsupported(f"{ctx}: no tf.keras 2 mapping for layer class {cls}")
    keys = KEYS[cls]
    out = {"name": cfg["name"], "trainable": cfg.get("trainable", True)}
    if batch_input_shape is not None:
        out["batch_input_shape"] = list(batch_input_shape)
    out["dtype"] = _dtype(cfg.get("dtype", "float32"))
    for k in keys:
        if k in ("layer",):
            continue
        out[k] = _value(cls, k, cfg, ctx, rank)
    # Anything Keras 3 wrote that tf.keras 2 would not: must be neutral.
    known = set(keys) | {"name", "trainable", "dtype", "layer", "backward_layer"}
    if cls == "LeakyReLU":
        known.add("negative_slope")
    neutral = dict(NEUTRAL_KERAS3_KEYS, **PER_CLASS_NEUTRAL.get(cls, {}))
    for k, v in cfg.items():
        if k in known:
            continue
        if k in neutral and v == neutral[k]:
            continue
        raise Keras2Unsupported(f"{ctx}: Keras 3 key {k}={v!r} has no tf.keras 2 equivalent")
    return out


def _wrapped(entry):
    """A Keras 3 serialized nested layer -> (class_name, config)."""
    return entry["class_name"], entry["config"]


def _input_rank(layer):
    try:
        return len(layer.input.shape)
    except Exception:  # noqa: BLE001 - fall back to the build shape
        shapes = getattr(layer, "_build_shapes_dict", None) or {}
        for s in shapes.values():
            return len(s)
    return None


def convert_layer(layer, entry, ctx, batch_input_shape=None):
    """Live Keras 3 layer + its serialized entry -> {"class_name", "config"} (tf.keras 2)."""
    import keras

    cls = entry["class_name"]
    cfg = entry["config"]
    if isinstance(layer, keras.Model):
        if batch_input_shape is not None:
            raise Keras2Unsupported(f"{ctx}: nested model as first Sequential layer")
        return model_config(layer, ctx=ctx)
    if cls == "InputLayer":
        return {"class_name": "InputLayer", "config": input_layer_config(cfg)}
    out = layer_config(cls, cfg, ctx, rank=_input_rank(layer), batch_input_shape=batch_input_shape)
    if cls == "Bidirectional":
        icls, icfg = _wrapped(cfg["layer"])
        icfg = dict(icfg)
        if not icfg["name"].startswith("forward_"):
            raise Keras2Unsupported(f"{ctx}: unexpected Bidirectional layer name {icfg['name']}")
        icfg["name"] = icfg["name"][len("forward_"):]
        # Bidirectional forces zero_output_for_mask = return_sequences on its two
        # copies (tf.keras 2 and Keras 3 alike); tf.keras 2 serialized the original
        # layer, which does not carry the forced value.
        if icfg.get("zero_output_for_mask") == icfg.get("return_sequences"):
            icfg.pop("zero_output_for_mask", None)
        if "backward_layer" in cfg:
            bcls, bcfg = _wrapped(cfg["backward_layer"])
            same = {k: v for k, v in bcfg.items() if k not in ("name", "go_backwards")}
            fsame = {k: v for k, v in cfg["layer"]["config"].items() if k not in ("name", "go_backwards")}
            if bcls != icls or same != fsame or bcfg["go_backwards"] == icfg["go_backwards"]:
                raise Keras2Unsupported(f"{ctx}: explicit backward_layer is not supported")
        inner = layer_config(icls, icfg, ctx.at(f"{ctx}.layer"), rank=_input_rank(layer))
        cfg2 = {"name": out["name"], "trainable": out["trainable"], "dtype": out["dtype"],
                "layer": {"class_name": icls, "config": inner}, "merge_mode": out["merge_mode"]}
        return {"class_name": cls, "config": cfg2}
    if cls == "TimeDistributed":
        icls, icfg = _wrapped(cfg["layer"])
        inner_rank = None
        rank = _input_rank(layer)
        if rank is not None:
            inner_rank = rank - 1
        inner = layer_config(icls, icfg, ctx.at(f"{ctx}.layer"), rank=inner_rank)
        cfg2 = {"name": out["name"], "trainable": out["trainable"], "dtype": out["dtype"],
                "layer": {"class_name": icls, "config": inner}}
        return {"class_name": cls, "config": cfg2}
    return {"class_name": cls, "config": out}


def input_layer_config(cfg):
    bs = cfg.get("batch_shape")
    if bs is None:
        bs = [None] + list(cfg["shape"])
    if cfg.get("sparse") or cfg.get("ragged"):
        raise Keras2Unsupported("sparse/ragged inputs")
    return {"batch_input_shape": list(bs), "dtype": _dtype(cfg.get("dtype", "float32")),
            "sparse": False, "ragged": False, "name": cfg["name"]}


def _tensors(x, out):
    if isinstance(x, dict) and x.get("class_name") == "__keras_tensor__":
        out.append(x["config"]["keras_history"])
    elif isinstance(x, (list, tuple)):
        for y in x:
            _tensors(y, out)
    elif isinstance(x, dict):
        for y in x.values():
            _tensors(y, out)
    else:
        raise Keras2Unsupported(f"non-tensor positional call argument {x!r}")
    return out


def _node(node, nested_models, ctx):
    refs = _tensors(node["args"], [])
    kwargs = {}
    for k, v in node.get("kwargs", {}).items():
        if k == "mask" and v is None:
            continue
        if k == "initial_state" and v is not None:
            # tf.keras 2 RNN.__call__ / Bidirectional.__call__ fold Keras-tensor initial states
            # into the inputs: the node is layer([x, *states]).
            refs = refs + _tensors(v, [])
            continue
        if json.dumps(v).find("__keras_tensor__") >= 0:
            raise Keras2Unsupported(f"{ctx}: tensor keyword argument {k}")
        kwargs[k] = v
    out = []
    for name, node_index, tensor_index in refs:
        if name in nested_models:
            node_index += 1  # tf.keras 2: node 0 is the nested model's own Input node
        out.append([name, int(node_index), int(tensor_index), dict(kwargs)])
    return out


def _io_list(v):
    if v and isinstance(v[0], str):
        v = [v]
    return [[n, int(a), int(b)] for n, a, b in v]


def model_config(model, first_layer_batch_input_shape=False, functional_class_name="Functional",
                 ctx=None):
    """tf.keras 2 {"class_name", "config"} for a Keras 3 Sequential or Functional model."""
    import keras

    ctx = ctx or _Ctx(model.name, False)
    k3 = model.get_config()
    by_name = {l.name: l for l in model.layers}
    if isinstance(model, keras.Sequential):
        entries = list(k3["layers"])
        layers_out = []
        bis = None
        if first_layer_batch_input_shape:
            if not entries or entries[0]["class_name"] != "InputLayer":
                raise Keras2Unsupported(f"{ctx}: Sequential without InputLayer in config")
            icfg = input_layer_config(entries[0]["config"])
            if icfg["dtype"] != "float32":
                raise Keras2Unsupported(f"{ctx}: first-layer batch_input_shape needs float32 input")
            bis = icfg["batch_input_shape"]
            entries = entries[1:]
        for i, e in enumerate(entries):
            name = e["config"]["name"]
            layer = by_name.get(name)
            if e["class_name"] != "InputLayer" and layer is None:
                raise Keras2Unsupported(f"{ctx}: layer {name} not found")
            layers_out.append(convert_layer(layer, e, ctx.at(f"{ctx}/{name}"),
                                            batch_input_shape=bis if i == 0 else None))
        return {"class_name": "Sequential", "config": {"name": k3["name"], "layers": layers_out}}
    from keras.src.models.functional import Functional
    if not isinstance(model, Functional):
        raise Keras2Unsupported(f"{ctx}: subclassed model")
    # tf.keras 2: a nested Sequential built with an Input has a node 0 of its own.
    nested = {l.name for l in model.layers
              if isinstance(l, keras.Sequential) and getattr(l, "_functional", None) is not None}
    layers_out = []
    for e in k3["layers"]:
        name = e["name"]
        layer = by_name[name]
        c = convert_layer(layer, e, ctx.at(f"{ctx}/{name}"))
        c["name"] = name
        c["inbound_nodes"] = [_node(n, nested, ctx.at(f"{ctx}/{name}")) for n in e["inbound_nodes"]]
        layers_out.append(c)
    cfg = {"name": k3["name"], "layers": layers_out,
           "input_layers": _io_list(k3["input_layers"]),
           "output_layers": _io_list(k3["output_layers"])}
    return {"class_name": functional_class_name, "config": cfg}


# ---------------------------------------------------------------------------
# Weights
# ---------------------------------------------------------------------------

def _var_name(layer, v):
    name = v.name.split("/")[-1].split(":")[0]
    if type(layer).__name__ == "DepthwiseConv2D" and name == "kernel":
        return "depthwise_kernel"
    return name


def _k2_names(layer, scope, out):
    import keras
    cls = type(layer).__name__
    if isinstance(layer, keras.Model):
        for sub in layer.layers:
            _k2_names(sub, scope, out)
    elif cls == "Bidirectional":
        for sub in (layer.forward_layer, layer.backward_layer):
            _k2_names(sub, f"{scope}{layer.name}/", out)
    elif cls == "TimeDistributed":
        for v in layer.layer.weights:
            out[id(v)] = f"{scope}{layer.name}/{_var_name(layer.layer, v)}:0"
    elif cls in RNN_CELL_NAMES:
        for v in layer.weights:
            out[id(v)] = f"{scope}{layer.name}/{RNN_CELL_NAMES[cls]}/{_var_name(layer, v)}:0"
    else:
        for v in layer.weights:
            out[id(v)] = f"{scope}{layer.name}/{_var_name(layer, v)}:0"
    return out


def legacy_weights(layer):
    """[(tf.keras 2 weight name, float32 value)] in tf.keras's legacy order."""
    names = _k2_names(layer, "", {})
    out = []
    for v in list(layer.trainable_weights) + list(layer.non_trainable_weights):
        if id(v) not in names:
            raise Keras2Unsupported(f"{layer.name}: no tf.keras 2 name for variable {v.path}")
        out.append((names[id(v)], np.asarray(v.numpy())))
    if len({n for n, _ in out}) != len(out):
        raise Keras2Unsupported(f"{layer.name}: duplicate weight names {[n for n, _ in out]}")
    return out


def _save_attr_list(group, name, data):
    """tf.keras 2 save_attributes_to_hdf5_group, with fixed-length byte strings."""
    if not data:
        group.attrs[name] = np.asarray([])  # what h5py stores for [] (float64, shape (0,))
        return
    data_npy = np.asarray(data)  # list of bytes -> fixed-length 'S' array
    num_chunks = 1
    chunks = np.array_split(data_npy, num_chunks)
    while any(c.nbytes > HDF5_OBJECT_HEADER_LIMIT for c in chunks):
        num_chunks += 1
        chunks = np.array_split(data_npy, num_chunks)
    if num_chunks > 1:
        for i, c in enumerate(chunks):
            group.attrs[f"{name}{i}"] = c
    else:
        group.attrs[name] = data_npy


def _bytes_attr(s):
    return np.bytes_(s.encode("utf8"))


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------

def save_keras2_h5(model, path, first_layer_batch_input_shape=False,
                   functional_class_name="Functional", allow_hard_sigmoid=False,
                   keras_version=KERAS2_VERSION):
    """Write ``model`` (Keras 3 Sequential/Functional) as a tf.keras 2.x HDF5 file.

    Returns the model_config dict written. Raises Keras2Unsupported (and writes
    nothing) when the model cannot be expressed in tf.keras 2 with the same meaning.
    """
    import keras

    ctx = _Ctx(model.name, allow_hard_sigmoid)
    cfg = model_config(model, first_layer_batch_input_shape, functional_class_name, ctx)
    if isinstance(model, keras.Sequential):
        layers = list(model.layers)  # tf.keras 2 Sequential.layers: no InputLayer
    else:
        by_name = {l.name: l for l in model.layers}
        layers = [by_name[e["name"]] for e in cfg["config"]["layers"]]  # with InputLayers
    weights = {l.name: legacy_weights(l) for l in layers}
    total = sum(len(w) for w in weights.values())
    if total != len(model.weights):
        raise Keras2Unsupported(f"{model.name}: {total} weights written, model has {len(model.weights)}")
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with h5py.File(tmp, "w") as f:
        f.attrs["keras_version"] = _bytes_attr(keras_version)
        f.attrs["backend"] = _bytes_attr(BACKEND)
        f.attrs["model_config"] = _bytes_attr(json.dumps(cfg))
        g = f.create_group("model_weights")
        _save_attr_list(g, "layer_names", [l.name.encode("utf8") for l in layers])
        g.attrs["backend"] = _bytes_attr(BACKEND)
        g.attrs["keras_version"] = _bytes_attr(keras_version)
        for l in layers:
            lg = g.create_group(l.name)
            ws = weights[l.name]
            _save_attr_list(lg, "weight_names", [n.encode("utf8") for n, _ in ws])
            for n, val in ws:
                ds = lg.create_dataset(n, val.shape, dtype=val.dtype)
                if not val.shape:
                    ds[()] = val
                else:
                    ds[:] = val
    os.replace(tmp, path)
    return cfg


def keras2_hard_sigmoid(x):
    """tf.keras 2.x hard_sigmoid: clip(0.2 x + 0.5, 0, 1)."""
    from keras import ops
    return ops.clip(0.2 * x + 0.5, 0.0, 1.0)


# ---------------------------------------------------------------------------
# Reading back with Keras 3 (verification)
# ---------------------------------------------------------------------------

def read_keras2_h5(path):
    """(model_config dict, {layer: [(weight name, array)]}, layer_names) from a file."""
    with h5py.File(path, "r") as f:
        cfg = json.loads(f.attrs["model_config"].decode("utf8"))
        g = f["model_weights"]
        names = [n.decode("utf8") for n in g.attrs["layer_names"]]
        weights = {}
        for n in names:
            wn = [w.decode("utf8") for w in g[n].attrs["weight_names"]]
            weights[n] = [(w, g[n][w][()]) for w in wn]
    return cfg, weights, names


def keras2_config_to_keras3(cfg, keras2_hard_sigmoid_fn=None):
    """Undo the tf.keras 2 differences this module writes, for Keras 3's legacy loader."""
    cfg = copy.deepcopy(cfg)

    def fix_layer(cls, c):
        c.pop("time_major", None)
        if cls == "LeakyReLU" and "alpha" in c:
            c["negative_slope"] = c.pop("alpha")
        if cls in ("BatchNormalization", "LayerNormalization") and isinstance(c.get("axis"), list):
            c["axis"] = c["axis"][0] if len(c["axis"]) == 1 else c["axis"]
        if keras2_hard_sigmoid_fn is not None:
            for k in ("activation", "recurrent_activation"):
                if c.get(k) == "hard_sigmoid":
                    c[k] = "keras2_hard_sigmoid"
        if cls in ("Bidirectional", "TimeDistributed"):
            fix_layer(c["layer"]["class_name"], c["layer"]["config"])
            # Keras 3 wrappers deserialize the inner layer with the Keras 3
            # serializer, which needs the "module" key.
            c["layer"].setdefault("module", "keras.layers")
            c["layer"].setdefault("registered_name", None)
        if cls in ("Sequential", "Functional", "Model"):
            fix_model(cls, c)

    def fix_model(cls, c):
        layers = c["layers"]
        if cls == "Sequential":
            first = layers[0]
            if first["class_name"] != "InputLayer" and "batch_input_shape" in first["config"]:
                bis = first["config"].pop("batch_input_shape")
                layers.insert(0, {"class_name": "InputLayer", "config": {
                    "batch_shape": bis, "dtype": first["config"].get("dtype", "float32"),
                    "name": first["config"]["name"] + "_input"}})
        nested = {l["name"] for l in layers if l["class_name"] == "Sequential"} \
            if cls != "Sequential" else set()
        for l in layers:
            if l["class_name"] == "InputLayer":
                ic = l["config"]
                if "batch_input_shape" in ic:
                    ic["batch_shape"] = ic.pop("batch_input_shape")
            else:
                fix_layer(l["class_name"], l["config"])
            for node in l.get("inbound_nodes", []):
                for ref in node:
                    if ref[0] in nested:
                        ref[1] -= 1  # Keras 3 numbers a nested Sequential's calls from 0
            if l["class_name"] in RNN_LAYERS_WITH_STATES:
                l["inbound_nodes"] = [_states_node(n) for n in l.get("inbound_nodes", [])]
        # Keras 3's legacy from_config drops a multi-axis "axis" list; protect it
        # by deserializing such layers through the Keras 3 (module) path.
        for l in layers:
            if l["class_name"] == "LayerNormalization" and isinstance(l["config"].get("axis"), list):
                l["module"] = "keras.layers"
                l["registered_name"] = None

    top_cls = cfg["class_name"]
    if top_cls == "Model":
        cfg["class_name"] = "Functional"
    fix_model(cfg["class_name"], cfg["config"])
    return cfg


RNN_LAYERS_WITH_STATES = ("SimpleRNN", "LSTM", "GRU", "RNN", "Bidirectional")


def _states_node(node):
    """tf.keras 2's rnn([x, *states]) as Keras 3's rnn(x, initial_state=[*states]).

    Keras 3's legacy reader would call the layer on the list [x, *states] as one sequence;
    tf.keras 2's RNN.__call__ split such a list into the sequence and its initial states.
    """
    if not isinstance(node, list) or len(node) < 2:
        return node

    def tensor(ref):
        return {"class_name": "__keras_tensor__",
                "config": {"shape": [None], "dtype": "float32", "keras_history": list(ref[:3])}}

    kwargs = dict(node[0][3]) if len(node[0]) == 4 else {}
    kwargs["initial_state"] = [tensor(r) for r in node[1:]]
    return {"args": [tensor(node[0])], "kwargs": kwargs}


def _plain_load(path):
    import keras
    return keras.models.load_model(path, compile=False)


def _shim_load(path, hard_sigmoid_keras2=False):
    import keras
    from keras.src.legacy.saving import legacy_h5_format, saving_utils

    cfg, _, _ = read_keras2_h5(path)
    k3 = keras2_config_to_keras3(cfg, keras2_hard_sigmoid if hard_sigmoid_keras2 else None)
    custom = {"keras2_hard_sigmoid": keras2_hard_sigmoid}
    with keras.utils.custom_object_scope(custom):
        model = saving_utils.model_from_config(k3, custom_objects=custom)
    with h5py.File(path, "r") as f:
        legacy_h5_format.load_weights_from_hdf5_group(f["model_weights"], model)
    return model


SHIM_METHOD = "keras2_config_to_keras3 + Keras 3 legacy_h5_format.load_weights_from_hdf5_group"


def _reset_states(model):
    for layer in model._flatten_layers(include_self=False, recursive=True):
        if getattr(layer, "stateful", False) and hasattr(layer, "reset_state"):
            layer.reset_state()


def predict_sequence(model, input_batches, on_batch=True):
    """Predict each list of inputs in turn (states reset only before the first).

    on_batch=True uses model.predict_on_batch (one batch: the same predict
    step as model.predict(x, batch_size=len(x)) without the tf.data pipeline);
    on_batch=False uses model.predict(x, batch_size=len(x)).
    """
    _reset_states(model)
    outs = []
    prev_shapes = None
    for inputs in input_batches:
        shapes = [np.shape(a) for a in inputs]
        if prev_shapes is not None and shapes != prev_shapes:
            # Inputs of other sizes (None dimensions): trace a fresh predict function. Keras
            # 3.15's retrace of the old one (relaxed shapes) gave an Embedding(mask_zero) ->
            # Bidirectional(LSTM) -> TimeDistributed model 4 output steps for 5 input steps;
            # a fresh model or a fresh trace gives 5.
            model.predict_function = None
        prev_shapes = shapes
        x = inputs[0] if len(inputs) == 1 else list(inputs)
        if on_batch:
            y = model.predict_on_batch(x)
        else:
            y = model.predict(x, batch_size=len(inputs[0]), verbose=0)
        y = list(y) if isinstance(y, (list, tuple)) else [y]
        outs.append([np.asarray(a, dtype=np.float32) for a in y])
    _reset_states(model)
    return outs


def _max_diff(outs, expected):
    d = 0.0
    for got, exp in zip(outs, expected):
        if len(got) != len(exp):
            return float("inf")
        for g, e in zip(got, exp):
            if g.shape != np.shape(e):
                return float("inf")
            d = max(d, float(np.max(np.abs(g.astype(np.float64) - np.asarray(e, np.float64))))
                    if g.size else 0.0)
    return d


def verify_keras2_h5(path, input_batches, expected_batches, atol=1e-6, hard_sigmoid_keras2=False):
    """Rebuild a model_keras2.h5 with Keras 3 and check it reproduces the expected outputs.

    input_batches / expected_batches: one list of arrays per consecutive predict
    call (two for stateful fixtures). First plain keras.models.load_model; if
    Keras 3 cannot read the tf.keras 2 file (error or different outputs), the
    shim: keras2_config_to_keras3 (undoes only the documented tf.keras 2
    differences) + Keras 3's order-based legacy weight loader. Raises if neither
    reproduces the outputs within atol. Returns a dict for fixture.json.
    """
    plain = None
    if hard_sigmoid_keras2:
        plain = "not used: Keras 3 would apply its own hard_sigmoid formula"
    else:
        try:
            m = _plain_load(path)
            d = _max_diff(predict_sequence(m, input_batches), expected_batches)
            if d <= atol:
                return {"method": "keras.models.load_model", "max_abs_diff": d}
            plain = (f"loads, but outputs differ (max abs diff {d:.3g}; inf = other shape)"
                     if d != float("inf") else "loads, but gives outputs of another shape")
        except Exception as e:  # noqa: BLE001 - recorded in fixture.json
            plain = f"{type(e).__name__}: {str(e).strip().splitlines()[0][:240]}"
    m = _shim_load(path, hard_sigmoid_keras2)
    d = _max_diff(predict_sequence(m, input_batches), expected_batches)
    if d > atol:
        raise AssertionError(f"{path}: rebuilt model_keras2.h5 differs by {d} (> {atol})")
    return {"method": SHIM_METHOD, "max_abs_diff": d, "keras3_load_model": plain}


# ---------------------------------------------------------------------------
# Seed models
# ---------------------------------------------------------------------------

def convert_seed_models(models_dir, names=None, log=print):
    """models/<seed>/model.keras -> model_keras2.h5; verified; fixture.json formats updated.

    Returns {name: info dict}.
    """
    import keras
    sys.path.insert(0, str(HERE))
    import common

    results = {}
    for name, bis in SEED_MODELS.items():
        if names is not None and name not in names:
            continue
        d = Path(models_dir) / name
        fx_path = d / "fixture.json"
        if not (d / "model.keras").exists() or not fx_path.exists():
            log(f"[keras2 seed {name}] skipped: no model.keras/fixture.json")
            continue
        fixture = json.loads(fx_path.read_text())
        common.reset()
        model = keras.models.load_model(d / "model.keras", compile=False)
        save_keras2_h5(model, d / "model_keras2.h5", first_layer_batch_input_shape=bis)
        inputs = [np.load(d / i["file"]) for i in fixture["inputs"]]
        expected = [np.load(d / o["file"]) for o in fixture["outputs"]]
        atol = fixture.get("tolerance", {}).get("atol", 1e-5)
        info = verify_keras2_h5(d / "model_keras2.h5", [inputs], [expected], atol=atol)
        diff = info["max_abs_diff"]
        formats = fixture.get("formats", [])
        if "model_keras2.h5" not in formats:
            # Only edit: add the format, keep every other key and the key order.
            if "saved_model" in formats:
                formats.insert(formats.index("saved_model"), "model_keras2.h5")
            else:
                formats.append("model_keras2.h5")
            fixture["formats"] = formats
            common.write_json(fx_path, fixture)
        info["first_layer_batch_input_shape"] = bis
        results[name] = info
        log(f"[keras2 seed {name}] ok: max diff {diff:.3g} via {info['method']}"
            + (f" (keras.models.load_model: {info['keras3_load_model']})"
               if info.get("keras3_load_model") else ""))
    return results


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", nargs="?", help="input model (.keras or .h5)")
    ap.add_argument("out", nargs="?", help="output tf.keras 2 .h5")
    ap.add_argument("--batch-input-shape", action="store_true",
                    help="Sequential: batch_input_shape on the first layer instead of an InputLayer")
    ap.add_argument("--class-name", default="Functional", choices=["Functional", "Model"])
    ap.add_argument("--allow-hard-sigmoid", action="store_true")
    ap.add_argument("--seeds", action="store_true", help="convert the seed models under --models")
    ap.add_argument("--models", default=str(HERE.parent / "models"))
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args(argv)
    import keras
    if args.seeds:
        convert_seed_models(args.models, args.only)
        return
    if not args.model or not args.out:
        ap.error("MODEL and OUT are required (or --seeds)")
    model = keras.models.load_model(args.model, compile=False)
    save_keras2_h5(model, args.out, args.batch_input_shape, args.class_name, args.allow_hard_sigmoid)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
