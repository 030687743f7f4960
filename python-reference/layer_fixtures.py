#!/usr/bin/env python3
"""Per-layer parity fixtures: models/layers/<case>/ (one tiny Keras model per option).

Every case builds one tiny model with fixed seeds (common.reset()), gives it
non-trivial weights (biases, BatchNorm/LayerNorm gamma/beta, moving statistics,
PReLU alpha and embeddings are overwritten with seeded random values, so every
weight matters), predicts a seeded probe that exercises the option, and writes

  model.keras        model.save (Keras 3 format)
  model.h5           model.save("model.h5") (Keras 3 legacy HDF5)
  model_keras2.h5    the same model in the tf.keras 2.x HDF5 layout (keras2_h5.py),
                     when tf.keras 2 could express it with the same meaning
  input_<i>.npy      probe inputs (float32; int32 for Embedding ids)
  output_<k>.npy     model.predict(inputs, batch_size=len(inputs))
  input2_<i>.npy,    stateful cases only: a second predict call right after the
  output2_<k>.npy    first, without resetting the RNN states
  fixture.json       see README / FIXTURE_SCHEMA below

Each case is verified before the run ends: model.keras and model.h5 are
reloaded with keras.models.load_model and predicted again (max abs diff must
be <= 1e-6), and model_keras2.h5 is rebuilt with Keras 3 (keras2_h5.verify_keras2_h5)
and must reproduce the outputs too. channels_first cases are also computed
with a channels_last twin (same weights, transposed input/output) and the two
must agree within the tolerance.

After the cases, the seed models under models/<seed>/ get a model_keras2.h5
(keras2_h5.convert_seed_models, which adds "model_keras2.h5" to their
fixture.json "formats") and models/MANIFEST.sha256 is rewritten the way
generate.sh writes it.

Usage: layer_fixtures.py [--out MODELS_DIR] [--only CASE ...] [--list]
                         [--no-seeds] [--no-manifest]
A full run (no --only) deletes models/layers/ first.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import zlib
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# As generate.sh: oneDNN CPU kernels accept NCHW conv/pool, so channels_first
# cases run natively in Keras (they are also checked against an NHWC twin).
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers as L  # noqa: E402

import common  # noqa: E402
import keras2_h5  # noqa: E402
from common import SEED  # noqa: E402

ATOL = 1e-5          # tolerance written into fixture.json for the Java parity tests
RELOAD_ATOL = 1e-6   # reloaded Keras files must reproduce the outputs this closely
BATCH = 3            # probe batch size (odd on purpose)

FIXTURE_SCHEMA = """\
fixture.json:
  name, keras_version, tensorflow_version,
  layer            class name of the layer under test
  option           what the case exercises
  model_class      "Sequential" or "Functional"
  inputs/outputs   [{file, name (Keras input layer / output layer name), shape, dtype
                     [, tensor_index when a layer has several outputs]}]
  inputs2/outputs2 stateful cases and second_probe cases: the second predict call
  stateful_sequence  stateful cases only: ["input", "input2"] (predict order, states
                     carried over, reset only before the first call)
  second_probe     None-dimension cases: ["input", "input2"], two predict calls on one
                     loaded model with inputs of different sizes
  tolerance        {atol: 1e-5, rtol: 0.0}
  formats          files written, of model.keras, model.h5, model_keras2.h5
  stateful         bool
  keras2_h5        {written, reason (if not), keras_version, class_name,
                    first_layer_batch_input_shape, hard_sigmoid_semantics,
                    verification: {method, max_abs_diff, keras3_load_model}}
  reference        how output_*.npy was computed (native Keras / channels_last twin)
  verification_max_abs_diff  {model.keras, model.h5, model_keras2.h5}
  runtime          {TF_ENABLE_ONEDNN_OPTS, op_determinism, seed}
  notes
"""


# ---------------------------------------------------------------------------
# Case table
# ---------------------------------------------------------------------------

class Case:
    def __init__(self, name, layer, option, build, inputs, notes="", stateful=False,
                 twin=None, keras2=True, k2_bis=False, k2_class="Functional", hard_sigmoid=False,
                 keras2_companion_of=None, h5=True, inputs2=None, k2_mask_twin=None):
        self.name = name
        self.layer = layer
        self.option = option
        self.build = build            # () -> model (called after common.reset())
        self.inputs = inputs          # rng -> [arrays]
        self.notes = notes
        self.stateful = stateful
        self.twin = twin              # () -> channels_last twin model
        self.keras2 = keras2          # False/str: do not write model_keras2.h5 (reason)
        self.k2_bis = k2_bis          # Sequential: batch_input_shape on the first layer
        self.k2_class = k2_class      # Functional class_name in model_keras2.h5
        self.hard_sigmoid = hard_sigmoid  # build(hs=...) takes the hard_sigmoid activation
        self.keras2_companion_of = keras2_companion_of
        self.h5 = h5                  # False/str: do not write model.h5 (reason)
        self.inputs2 = inputs2        # rng -> [arrays]: a second probe of other sizes (None dims)
        self.k2_mask_twin = k2_mask_twin  # () -> Keras 3 twin passing the sequence mask explicitly


CASES = {}


def add(name, layer, option, build, inputs, **kw):
    if name in CASES:
        raise ValueError(f"duplicate case {name}")
    CASES[name] = Case(name, layer, option, build, inputs, **kw)


def seq(input_shape, *layers, dtype="float32", batch_size=None):
    if batch_size is None:
        inp = keras.Input(shape=input_shape, dtype=dtype)
    else:
        inp = keras.Input(batch_shape=(batch_size,) + tuple(input_shape), dtype=dtype)
    return keras.Sequential([inp, *layers])


def normal(*shape, scale=1.0):
    return lambda rng: [(scale * rng.normal(0.0, 1.0, (BATCH,) + shape)).astype(np.float32)]


def normal_n(*shapes, scale=1.0):
    return lambda rng: [(scale * rng.normal(0.0, 1.0, (BATCH,) + s)).astype(np.float32)
                        for s in shapes]


def cf_twin(build_df):
    """(build, twin) for a builder taking data_format."""
    return dict(build=lambda: build_df("channels_first"), twin=lambda: build_df("channels_last"))


def ids_with_padding(rng, batch=4, steps=6, vocab=7):
    """int32 ids with zeros: none / post-padded / pre-padded / zeros in the middle."""
    x = rng.randint(1, vocab, (batch, steps))
    x[1, 4:] = 0          # post-padded
    x[2, :2] = 0          # pre-padded
    x[3, 2] = 0           # a zero in the middle
    x[3, 4] = 0
    return [x.astype(np.int32)]


def masked_float_sequence(mask_value, batch=4, steps=6, feat=3):
    def make(rng):
        x = rng.normal(0.0, 1.0, (batch, steps, feat))
        x[1, 4:, :] = mask_value       # post-padded
        x[2, :2, :] = mask_value       # pre-padded
        x[3, 2, :] = mask_value        # a masked step in the middle
        x[0, 3, 0] = mask_value        # only one feature equal: not masked
        return [x.astype(np.float32)]
    return make


# ---- core -----------------------------------------------------------------

add("dense", "Dense", "units=4, linear, input (None, 5); model_keras2.h5 without InputLayer "
    "(batch_input_shape on the first layer)",
    lambda: seq((5,), L.Dense(4)), normal(5), k2_bis=True)
add("dense_3d_input", "Dense", "Dense(3) applied to a 3-D input (None, 4, 5): acts on the last axis",
    lambda: seq((4, 5), L.Dense(3)), normal(4, 5))
add("dense_no_bias", "Dense", "use_bias=False", lambda: seq((5,), L.Dense(4, use_bias=False)), normal(5))

ACTIVATIONS = ["linear", "relu", "sigmoid", "hard_sigmoid", "tanh", "softmax", "elu", "selu",
               "softplus", "softsign", "exponential", "gelu", "silu", "leaky_relu", "relu6",
               "log_softmax", "hard_silu"]
_NOT_IN_KERAS2 = {"leaky_relu", "relu6", "log_softmax", "hard_silu"}
for _a in ACTIVATIONS:
    _kw = {}
    _note = ""
    if _a in _NOT_IN_KERAS2:
        _kw["keras2"] = (f"tf.keras 2.11 has no built-in activation named {_a!r} "
                         "(tf.keras.activations: linear relu sigmoid hard_sigmoid tanh softmax elu "
                         "selu softplus softsign exponential gelu swish), so a tf.keras 2 file "
                         "cannot contain it")
    if _a == "silu":
        _note = "model_keras2.h5 names it 'swish' (tf.keras 2's name for x * sigmoid(x))"
    if _a == "leaky_relu":
        _note = "Keras 3 activation 'leaky_relu' uses negative_slope 0.2"
    if _a == "gelu":
        _note = "exact gelu (approximate=False), the default of the 'gelu' name"
    if _a == "hard_sigmoid":
        add("activation_hard_sigmoid", "Dense", "Dense(4, activation='hard_sigmoid') "
            "(Keras 3: relu6(x + 3) / 6)",
            lambda hs="hard_sigmoid": seq((5,), L.Dense(4, activation=hs)), normal(5, scale=3.0),
            hard_sigmoid=True)
        continue
    add(f"activation_{_a}", "Dense", f"Dense(4, activation='{_a}')",
        (lambda a: lambda: seq((5,), L.Dense(4, activation=a)))(_a), normal(5, scale=2.0),
        notes=_note, **_kw)

add("dropout", "Dropout", "Dropout(0.5) between two Dense layers: identity at inference",
    lambda: seq((5,), L.Dense(6), L.Dropout(0.5), L.Dense(3)), normal(5))
# Noise and regularization layers: the identity at inference (their training noise is random,
# and no Java run can draw Keras's random stream), so these cases pin the config reading and the
# inference path through real Keras files.
_K2_SPATIAL = ("Keras 3.15 cannot load tf.keras 2's SpatialDropout config (its 'trainable' and "
               "'noise_shape' keys are not constructor arguments in Keras 3), so no Keras 3 "
               "reference can verify such a file")
add("dropout_noise_shape", "Dropout", "Dropout(0.5, noise_shape=(None, 1, 6)) on (None, 4, 6): "
    "identity at inference",
    lambda: seq((4, 5), L.Dense(6), L.Dropout(0.5, noise_shape=(None, 1, 6)), L.Dense(3)),
    normal(4, 5))
add("spatial_dropout1d", "SpatialDropout1D", "Conv1D -> SpatialDropout1D(0.3) -> Dense: identity "
    "at inference",
    lambda: seq((6, 3), L.Conv1D(4, 2), L.SpatialDropout1D(0.3), L.Dense(2)), normal(6, 3), keras2=_K2_SPATIAL)
add("spatial_dropout2d", "SpatialDropout2D", "Conv2D -> SpatialDropout2D(0.4) -> Flatten -> Dense",
    lambda: seq((5, 5, 2), L.Conv2D(3, 2), L.SpatialDropout2D(0.4), L.Flatten(), L.Dense(2)),
    normal(5, 5, 2), keras2=_K2_SPATIAL)
add("spatial_dropout2d_channels_first", "SpatialDropout2D",
    "SpatialDropout2D(0.4, data_format='channels_first') on (None, 2, 4, 4) -> Flatten -> Dense",
    lambda: seq((2, 4, 4), L.SpatialDropout2D(0.4, data_format="channels_first"), L.Flatten(),
                L.Dense(2)),
    normal(2, 4, 4), keras2=_K2_SPATIAL)
add("spatial_dropout3d", "SpatialDropout3D", "SpatialDropout3D(0.2) on (None, 3, 3, 3, 2) -> "
    "Flatten -> Dense",
    lambda: seq((3, 3, 3, 2), L.SpatialDropout3D(0.2), L.Flatten(), L.Dense(2)), normal(3, 3, 3, 2), keras2=_K2_SPATIAL)
add("gaussian_noise", "GaussianNoise", "Dense -> GaussianNoise(0.5) -> Dense: identity at inference",
    lambda: seq((5,), L.Dense(4), L.GaussianNoise(0.5), L.Dense(2)), normal(5))
add("gaussian_dropout", "GaussianDropout", "Dense -> GaussianDropout(0.3) -> Dense",
    lambda: seq((5,), L.Dense(4), L.GaussianDropout(0.3), L.Dense(2)), normal(5))
add("alpha_dropout", "AlphaDropout", "Dense(selu) -> AlphaDropout(0.2) -> Dense",
    lambda: seq((5,), L.Dense(4, activation="selu"), L.AlphaDropout(0.2), L.Dense(2)), normal(5))
add("identity", "Identity", "Dense -> Identity -> Dense",
    lambda: seq((5,), L.Dense(4), L.Identity(), L.Dense(2)), normal(5),
    keras2="tf.keras 2.11 has no Identity layer")
add("rescaling", "Rescaling", "Rescaling(1/127.5, offset=-1) of pixel values 0..255 -> Flatten -> "
    "Dense",
    lambda: seq((3, 3, 2), L.Rescaling(1.0 / 127.5, offset=-1.0), L.Flatten(), L.Dense(2)),
    lambda rng: [rng.randint(0, 256, (BATCH, 3, 3, 2)).astype(np.float32)])
add("rescaling_per_channel", "Rescaling", "Rescaling(scale=[0.5, 2.0, -1.0], offset=[0.1, 0.2, "
    "0.3]) (lists) on (None, 2, 3)",
    lambda: seq((2, 3), L.Rescaling([0.5, 2.0, -1.0], offset=[0.1, 0.2, 0.3])), normal(2, 3))
add("rescaling_numpy", "Rescaling", "Rescaling(scale=np.array([[1/3, 0.7]], float32)) (a numpy "
    "array, serialized as __numpy__) on (None, 3, 2)",
    lambda: seq((3, 2), L.Rescaling(np.array([[1.0 / 3.0, 0.7]], dtype=np.float32))), normal(3, 2),
    keras2="a numpy scale is serialized as a Keras 3 __numpy__ object, which tf.keras 2 never wrote")
add("rescaling_uint8_input", "Rescaling", "Input(dtype='uint8') -> Rescaling(1/255) -> Dense: the "
    "integer input is cast to float32 first",
    lambda: seq((4,), L.Rescaling(1.0 / 255), L.Dense(2), dtype="uint8"),
    lambda rng: [rng.randint(0, 256, (BATCH, 4)).astype(np.uint8)])
# Random image augmentation: Keras applies it only in training; at inference the geometric
# layers cast to the compute dtype and return the images. A TF-tutorial-style classifier head.
add("random_augmentation", "RandomFlip", "Rescaling(1/255) -> RandomFlip -> RandomRotation(0.1) "
    "-> RandomZoom(0.1) -> RandomTranslation(0.1, 0.2) -> RandomContrast(0.2) -> Conv2D -> "
    "Flatten -> Dense: the augmentation is the identity at inference",
    lambda: seq((6, 6, 3), L.Rescaling(1.0 / 255), L.RandomFlip(), L.RandomRotation(0.1),
                L.RandomZoom(0.1), L.RandomTranslation(0.1, 0.2), L.RandomContrast(0.2),
                L.Conv2D(2, 3), L.Flatten(), L.Dense(2)),
    lambda rng: [rng.randint(0, 256, (BATCH, 6, 6, 3)).astype(np.float32)])
add("random_brightness", "RandomBrightness", "RandomBrightness(0.2, value_range=(0, 1)) -> "
    "Conv2D -> Flatten -> Dense (.keras only: Keras 3.15's legacy .h5 writer fails on this layer, "
    "'cannot pickle module object')",
    lambda: seq((4, 4, 3), L.RandomBrightness(0.2, value_range=(0, 1)), L.Conv2D(2, 3),
                L.Flatten(), L.Dense(2)),
    normal(4, 4, 3), h5=False,
    keras2="Keras 3.15 cannot write RandomBrightness to a legacy .h5 file")
add("random_augmentation_nested", "RandomFlip", "a data_augmentation Sequential(RandomFlip("
    "'horizontal'), RandomRotation((-0.2, 0.3), fill_mode='constant'), RandomZoom((-0.1, 0.1), "
    "None, interpolation='nearest')) nested in a Functional model of uint8 images",
    lambda: (lambda inp: keras.Model(inp, L.Dense(2)(L.Flatten()(keras.Sequential(
        [L.RandomFlip("horizontal"), L.RandomRotation((-0.2, 0.3), fill_mode="constant"),
         L.RandomZoom((-0.1, 0.1), None, interpolation="nearest")],
        name="data_augmentation")(inp)))))(keras.Input((5, 5, 2), dtype="uint8")),
    lambda rng: [rng.randint(0, 256, (BATCH, 5, 5, 2)).astype(np.uint8)])
# Constant-valued preprocessing and Keras ops, as keras.applications builds them
# (EfficientNetV2 / ConvNeXt: Normalization with given mean and variance; MobileNetV3:
# hard_sigmoid as ops; ConvNeXt: LayerScale and op residual adds).
add("normalization_given_mean_variance", "Normalization", "Normalization(mean=[0.485, 0.456, "
    "0.406], variance=[0.229**2, 0.224**2, 0.225**2]) (ImageNet statistics in the config, no "
    "weights) after Rescaling(1/255), on (None, 3, 3, 3)",
    lambda: seq((3, 3, 3), L.Rescaling(1.0 / 255),
                L.Normalization(mean=[0.485, 0.456, 0.406],
                                variance=[0.229 ** 2, 0.224 ** 2, 0.225 ** 2])),
    lambda rng: [rng.randint(0, 256, (BATCH, 3, 3, 3)).astype(np.float32)])
add("normalization_given_scalar", "Normalization", "Normalization(axis=(1, 2), mean=3.0, "
    "variance=4.0, invert=True) on (None, 2, 3): scalars broadcast to the kept axes",
    lambda: seq((2, 3), L.Normalization(axis=(1, 2), mean=3.0, variance=4.0, invert=True)),
    normal(2, 3))


_NO_H5_OPS = ("Keras 3.15 writes Keras op nodes to a legacy .h5 but its loader cannot rebuild "
              "them (Unknown layer: 'TrueDivide'), so no Keras reload verifies such a file")


def _ops_arithmetic():
    inp = keras.Input((6,))
    h = L.Dense(6)(inp)
    hs = L.ReLU(6.0)(h + 3.0) * (1.0 / 6.0)          # MobileNetV3's hard_sigmoid
    y = L.Multiply()([h, hs])
    y = (2.0 - y) / 4.0 + (-h)                        # Subtract/TrueDivide/Negative/Add ops
    return keras.Model(inp, keras.ops.divide(y, 3.0) - h * h)


def _layer_scale():
    from keras.src.applications.convnext import LayerScale
    inp = keras.Input((3, 4))
    h = L.Dense(4)(inp)
    return keras.Model(inp, h + LayerScale(0.7, 4)(h))


def _custom_scale_layer():
    from keras.src.applications.inception_resnet_v2 import CustomScaleLayer
    a, b = keras.Input((3, 4), name="in_0"), keras.Input((3, 4), name="in_1")
    return keras.Model([a, b], CustomScaleLayer(0.17)([a, L.Dense(4)(b)]))


add("custom_scale_layer", "CustomScaleLayer", "InceptionResNetV2's CustomScaleLayer(0.17): "
    "x0 + x1 * 0.17", _custom_scale_layer, normal_n((3, 4), (3, 4)),
    h5="Keras 3.15's legacy .h5 loader cannot rebuild CustomScaleLayer (not a registered class)",
    keras2="CustomScaleLayer is Keras 3's keras.applications.inception_resnet_v2 class")
add("ops_arithmetic", "Add", "Keras ops in a Functional graph: relu6(h + 3) * (1/6) (MobileNetV3's "
    "hard_sigmoid), Multiply layer, (2 - y) / 4 + (-h), divide(y, 3) - h * h",
    _ops_arithmetic, normal(6, scale=3.0), h5=_NO_H5_OPS,
    keras2="Keras ops (keras.src.ops.numpy) have no tf.keras 2 form (it recorded TFOpLambda)")
add("layer_scale", "LayerScale", "Dense(4) -> ConvNeXt's LayerScale(init_values=0.7, "
    "projection_dim=4), added back to its input with the Add op",
    _layer_scale, normal(3, 4), h5=_NO_H5_OPS,
    keras2="LayerScale is Keras 3's keras.applications.convnext class")
# Resizing: tf.image.resize as Keras 3 calls it (half-pixel centers; antialias through
# ScaleAndTranslate), in float32 and on uint8 images (rounded and saturated back to uint8).
for _interp in ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5"):
    add(f"resizing_{_interp}", "Resizing", f"Resizing(4, 9, interpolation='{_interp}') of "
        "(None, 6, 5, 2): rows shrink, columns grow",
        (lambda i: lambda: seq((6, 5, 2), L.Resizing(4, 9, interpolation=i)))(_interp),
        normal(6, 5, 2))
add("resizing_antialias", "Resizing", "Resizing(3, 2, antialias=True) (bilinear) of (None, 8, 7, "
    "1): antialiased downscaling through ScaleAndTranslate",
    lambda: seq((8, 7, 1), L.Resizing(3, 2, antialias=True)), normal(8, 7, 1))
add("resizing_channels_first", "Resizing", "Resizing(3, 5, data_format='channels_first') of "
    "(None, 2, 4, 4)",
    lambda: seq((2, 4, 4), L.Resizing(3, 5, data_format="channels_first")), normal(2, 4, 4))
add("resizing_uint8", "Resizing", "Input(dtype='uint8') -> Resizing(5, 3) (bilinear: float32 "
    "rounded and saturated back to uint8, as Keras does) -> Rescaling(1/255)",
    lambda: seq((4, 4, 3), L.Resizing(5, 3), L.Rescaling(1.0 / 255), dtype="uint8"),
    lambda rng: [rng.randint(0, 256, (BATCH, 4, 4, 3)).astype(np.uint8)],
    keras2="tf.keras 2's Resizing returned float32 unrounded for uint8 images, Keras 3 rounds and "
           "casts back: a Keras 3 reference cannot stand for the tf.keras 2 meaning")
add("resizing_same_size", "Resizing", "Resizing(4, 4, interpolation='bicubic') of (None, 4, 4, "
    "2): tf.image.resize returns images of the target size unchanged",
    lambda: seq((4, 4, 2), L.Resizing(4, 4, interpolation="bicubic")), normal(4, 4, 2))
add("flatten", "Flatten", "Flatten of (None, 2, 3, 4)", lambda: seq((2, 3, 4), L.Flatten()), normal(2, 3, 4))
add("flatten_channels_first", "Flatten",
    "Flatten(data_format='channels_first') of (None, 2, 3, 4) = (C, H, W): flattens in "
    "channels_last order (transposes to H, W, C first)",
    lambda: seq((2, 3, 4), L.Flatten(data_format="channels_first")), normal(2, 3, 4),
    twin=lambda: seq((3, 4, 2), L.Flatten()))
add("reshape", "Reshape", "Reshape((3, -1)) of (None, 12) -> (None, 3, 4)",
    lambda: seq((12,), L.Reshape((3, -1))), normal(12))
add("permute", "Permute", "Permute((3, 1, 2)) of (None, 2, 3, 4)",
    lambda: seq((2, 3, 4), L.Permute((3, 1, 2))), normal(2, 3, 4))
add("repeat_vector", "RepeatVector", "RepeatVector(3) of (None, 4)",
    lambda: seq((4,), L.RepeatVector(3)), normal(4))
add("activity_regularization", "ActivityRegularization",
    "Dense(4) -> ActivityRegularization(l1=0.01, l2=0.02): identity at inference",
    lambda: seq((5,), L.Dense(4), L.ActivityRegularization(l1=0.01, l2=0.02)), normal(5))
add("dense_activity_regularizer", "Dense", "Dense(4, activity_regularizer=L1L2(0.01, 0.02)): "
    "no effect on outputs",
    lambda: seq((5,), L.Dense(4, activity_regularizer=keras.regularizers.L1L2(l1=0.01, l2=0.02))),
    normal(5))
add("relu_layer", "ReLU", "ReLU(max_value=2.0, negative_slope=0.1, threshold=0.5)",
    lambda: seq((6,), L.ReLU(max_value=2.0, negative_slope=0.1, threshold=0.5)), normal(6, scale=2.0))
add("leaky_relu_layer", "LeakyReLU", "LeakyReLU(negative_slope=0.2) (tf.keras 2: alpha)",
    lambda: seq((6,), L.LeakyReLU(negative_slope=0.2)), normal(6, scale=2.0))
add("elu_layer", "ELU", "ELU(alpha=0.7)", lambda: seq((6,), L.ELU(alpha=0.7)), normal(6, scale=2.0))
add("prelu", "PReLU", "PReLU() on (None, 4, 5): one alpha per element (4, 5)",
    lambda: seq((4, 5), L.PReLU()), normal(4, 5))
add("prelu_shared_axes", "PReLU", "PReLU(shared_axes=[1, 2]) on (None, 4, 5, 3): alpha (1, 1, 3)",
    lambda: seq((4, 5, 3), L.PReLU(shared_axes=[1, 2])), normal(4, 5, 3))
add("softmax_layer", "Softmax", "Softmax(axis=1) on (None, 3, 4)",
    lambda: seq((3, 4), L.Softmax(axis=1)), normal(3, 4, scale=2.0))

# ---- conv -----------------------------------------------------------------

add("conv1d_valid", "Conv1D", "Conv1D(3, 3), padding valid, length 9",
    lambda: seq((9, 2), L.Conv1D(3, 3)), normal(9, 2))
add("conv1d_same", "Conv1D", "Conv1D(3, 4, padding='same'): even kernel, asymmetric padding (1 left, 2 right)",
    lambda: seq((9, 2), L.Conv1D(3, 4, padding="same")), normal(9, 2))
add("conv1d_causal", "Conv1D", "Conv1D(3, 3, padding='causal')",
    lambda: seq((9, 2), L.Conv1D(3, 3, padding="causal")), normal(9, 2))
add("conv1d_strided", "Conv1D", "Conv1D(3, 3, strides=2), valid, length 10 (last step unused)",
    lambda: seq((10, 2), L.Conv1D(3, 3, strides=2)), normal(10, 2))
add("conv1d_dilated", "Conv1D", "Conv1D(3, 3, dilation_rate=2), valid, length 9",
    lambda: seq((9, 2), L.Conv1D(3, 3, dilation_rate=2)), normal(9, 2))
add("conv1d_channels_first", "Conv1D",
    "Conv1D(3, 3, strides=2, padding='same', data_format='channels_first') on (None, 2, 9)",
    inputs=normal(2, 9),
    **cf_twin(lambda df: seq((2, 9) if df == "channels_first" else (9, 2),
                             L.Conv1D(3, 3, strides=2, padding="same", data_format=df))))
add("conv2d_valid", "Conv2D", "Conv2D(3, (3, 2)), valid, on 7x6; model_keras2.h5 without InputLayer",
    lambda: seq((7, 6, 2), L.Conv2D(3, (3, 2))), normal(7, 6, 2), k2_bis=True)
add("conv2d_same", "Conv2D", "Conv2D(3, (4, 3), padding='same'): even kernel height, asymmetric padding",
    lambda: seq((7, 6, 2), L.Conv2D(3, (4, 3), padding="same")), normal(7, 6, 2))
add("conv2d_same_strided", "Conv2D",
    "Conv2D(3, 3, strides=2, padding='same') on 7x8 (odd/even: pads 1/1 rows, 0/1 columns)",
    lambda: seq((7, 8, 2), L.Conv2D(3, 3, strides=2, padding="same")), normal(7, 8, 2))
add("conv2d_valid_strided", "Conv2D", "Conv2D(3, 3, strides=2), valid, on 7x8 (last column unused)",
    lambda: seq((7, 8, 2), L.Conv2D(3, 3, strides=2)), normal(7, 8, 2))
add("conv2d_dilated", "Conv2D", "Conv2D(3, 3, dilation_rate=2), valid, on 7x8",
    lambda: seq((7, 8, 2), L.Conv2D(3, 3, dilation_rate=2)), normal(7, 8, 2))
add("conv2d_groups", "Conv2D", "Conv2D(6, 3, groups=2, padding='same') on 4 channels",
    lambda: seq((5, 6, 4), L.Conv2D(6, 3, groups=2, padding="same")), normal(5, 6, 4))
add("conv2d_same_strided_channels_first", "Conv2D",
    "Conv2D(3, 3, strides=2, padding='same', data_format='channels_first') on (None, 2, 7, 8)",
    inputs=normal(2, 7, 8),
    **cf_twin(lambda df: seq((2, 7, 8) if df == "channels_first" else (7, 8, 2),
                             L.Conv2D(3, 3, strides=2, padding="same", data_format=df))))
add("conv2d_transpose_strided_same", "Conv2DTranspose", "Conv2DTranspose(2, 3, strides=2, padding='same')",
    lambda: seq((4, 5, 3), L.Conv2DTranspose(2, 3, strides=2, padding="same")), normal(4, 5, 3))
add("conv2d_transpose_strided_valid", "Conv2DTranspose", "Conv2DTranspose(2, 3, strides=2, padding='valid')",
    lambda: seq((4, 5, 3), L.Conv2DTranspose(2, 3, strides=2, padding="valid")), normal(4, 5, 3))
add("conv2d_transpose_output_padding", "Conv2DTranspose",
    "Conv2DTranspose(2, 3, strides=2, padding='valid', output_padding=1)",
    lambda: seq((4, 5, 3), L.Conv2DTranspose(2, 3, strides=2, padding="valid", output_padding=1)),
    normal(4, 5, 3))
add("conv2d_transpose_channels_first", "Conv2DTranspose",
    "Conv2DTranspose(2, 3, strides=2, padding='same', data_format='channels_first')",
    inputs=normal(3, 4, 5),
    **cf_twin(lambda df: seq((3, 4, 5) if df == "channels_first" else (4, 5, 3),
                             L.Conv2DTranspose(2, 3, strides=2, padding="same", data_format=df))))
add("separable_conv2d", "SeparableConv2D", "SeparableConv2D(4, 3, depth_multiplier=2), valid",
    lambda: seq((6, 7, 2), L.SeparableConv2D(4, 3, depth_multiplier=2)), normal(6, 7, 2))
add("depthwise_conv2d", "DepthwiseConv2D",
    "DepthwiseConv2D(3, depth_multiplier=2, strides=2, padding='same') on 7x8",
    lambda: seq((7, 8, 2), L.DepthwiseConv2D(3, depth_multiplier=2, strides=2, padding="same")),
    normal(7, 8, 2))

# ---- pooling ----------------------------------------------------------------

for _kind, _P1, _P2 in (("max", L.MaxPooling1D, L.MaxPooling2D), ("average", L.AveragePooling1D, L.AveragePooling2D)):
    _avg_note = (" (padded cells are not counted in the average)" if _kind == "average" else "")
    add(f"{_kind}_pooling1d_valid", _P1.__name__, "pool 3, strides 2, valid, length 10 (last step unused)",
        (lambda P: lambda: seq((10, 2), P(3, strides=2)))(_P1), normal(10, 2))
    add(f"{_kind}_pooling1d_same", _P1.__name__, "pool 3, strides 2, same, length 10 (pads 0 left, 1 right)"
        + _avg_note, (lambda P: lambda: seq((10, 2), P(3, strides=2, padding="same")))(_P1), normal(10, 2))
    add(f"{_kind}_pooling1d_channels_first", _P1.__name__,
        "pool 3, strides 2, valid, data_format='channels_first' on (None, 2, 10)", inputs=normal(2, 10),
        **cf_twin((lambda P: lambda df: seq((2, 10) if df == "channels_first" else (10, 2),
                                            P(3, strides=2, data_format=df)))(_P1)))
    add(f"{_kind}_pooling2d_valid", _P2.__name__, "pool 3, strides 2, valid, on 7x8 (last column unused)",
        (lambda P: lambda: seq((7, 8, 2), P(3, strides=2)))(_P2), normal(7, 8, 2))
    add(f"{_kind}_pooling2d_same", _P2.__name__,
        "pool 3, strides 2, same, on 7x8 (pads 1/1 rows, 0/1 columns)" + _avg_note,
        (lambda P: lambda: seq((7, 8, 2), P(3, strides=2, padding="same")))(_P2), normal(7, 8, 2))
    add(f"{_kind}_pooling2d_channels_first", _P2.__name__,
        "pool 2, strides 2, same, data_format='channels_first' on (None, 2, 7, 9)" + _avg_note,
        inputs=normal(2, 7, 9),
        **cf_twin((lambda P: lambda df: seq((2, 7, 9) if df == "channels_first" else (7, 9, 2),
                                            P(2, strides=2, padding="same", data_format=df)))(_P2)))

for _kind, _G1, _G2 in (("max", L.GlobalMaxPooling1D, L.GlobalMaxPooling2D),
                        ("average", L.GlobalAveragePooling1D, L.GlobalAveragePooling2D)):
    for _dim, _G, _shape_cl, _shape_cf in (("1d", _G1, (5, 3), (3, 5)), ("2d", _G2, (4, 5, 3), (3, 4, 5))):
        add(f"global_{_kind}_pooling{_dim}", _G.__name__, "keepdims=False",
            (lambda G, s: lambda: seq(s, G()))(_G, _shape_cl), normal(*_shape_cl))
        add(f"global_{_kind}_pooling{_dim}_keepdims", _G.__name__, "keepdims=True",
            (lambda G, s: lambda: seq(s, G(keepdims=True)))(_G, _shape_cl), normal(*_shape_cl))
        add(f"global_{_kind}_pooling{_dim}_channels_first", _G.__name__,
            "data_format='channels_first', keepdims=True", inputs=normal(*_shape_cf),
            **cf_twin((lambda G, scf, scl: lambda df: seq(scf if df == "channels_first" else scl,
                                                          G(data_format=df, keepdims=True)))(
                _G, _shape_cf, _shape_cl)))

add("global_average_pooling1d_masked_embedding", "GlobalAveragePooling1D",
    "Embedding(7, 3, mask_zero=True) -> GlobalAveragePooling1D: mean over unmasked steps only",
    lambda: seq((6,), L.Embedding(7, 3, mask_zero=True), L.GlobalAveragePooling1D(), dtype="int32"),
    ids_with_padding)
add("global_average_pooling1d_masked_masking", "GlobalAveragePooling1D",
    "Masking(0.0) -> GlobalAveragePooling1D: mean over unmasked steps only",
    lambda: seq((6, 3), L.Masking(0.0), L.GlobalAveragePooling1D()), masked_float_sequence(0.0))

# ---- reshaping --------------------------------------------------------------

add("zero_padding1d", "ZeroPadding1D", "padding (1, 2)", lambda: seq((4, 2), L.ZeroPadding1D((1, 2))), normal(4, 2))
add("zero_padding2d", "ZeroPadding2D", "padding ((1, 2), (0, 3))",
    lambda: seq((3, 4, 2), L.ZeroPadding2D(((1, 2), (0, 3)))), normal(3, 4, 2))
add("cropping1d", "Cropping1D", "cropping (1, 2)", lambda: seq((7, 2), L.Cropping1D((1, 2))), normal(7, 2))
add("cropping2d", "Cropping2D", "cropping ((1, 0), (2, 1))",
    lambda: seq((5, 6, 2), L.Cropping2D(((1, 0), (2, 1)))), normal(5, 6, 2))
add("upsampling1d", "UpSampling1D", "size 3", lambda: seq((4, 2), L.UpSampling1D(3)), normal(4, 2))
add("upsampling2d_nearest", "UpSampling2D", "size (2, 3), nearest",
    lambda: seq((3, 4, 2), L.UpSampling2D((2, 3))), normal(3, 4, 2))
add("upsampling2d_bilinear", "UpSampling2D", "size (2, 3), bilinear (half-pixel centers, no antialias)",
    lambda: seq((3, 4, 2), L.UpSampling2D((2, 3), interpolation="bilinear")), normal(3, 4, 2))
add("upsampling2d_channels_first", "UpSampling2D", "size 2, bilinear, data_format='channels_first'",
    inputs=normal(2, 3, 4),
    **cf_twin(lambda df: seq((2, 3, 4) if df == "channels_first" else (3, 4, 2),
                             L.UpSampling2D(2, interpolation="bilinear", data_format=df))))

# ---- normalization ----------------------------------------------------------

add("batchnorm", "BatchNormalization", "axis=-1 on (None, 4, 5, 3), inference with random moving stats",
    lambda: seq((4, 5, 3), L.BatchNormalization()), normal(4, 5, 3))
add("batchnorm_channels_first", "BatchNormalization", "axis=1 on (None, 3, 4, 5) (channels_first data)",
    lambda: seq((3, 4, 5), L.BatchNormalization(axis=1)), normal(3, 4, 5),
    twin=lambda: seq((4, 5, 3), L.BatchNormalization(axis=-1)))
add("batchnorm_no_center_scale", "BatchNormalization", "center=False, scale=False, epsilon=0.01",
    lambda: seq((6,), L.BatchNormalization(center=False, scale=False, epsilon=0.01)), normal(6))
add("layernorm", "LayerNormalization", "axis=-1 on (None, 4, 5)",
    lambda: seq((4, 5), L.LayerNormalization()), normal(4, 5))
add("layernorm_axis_1_2", "LayerNormalization", "axis=[1, 2] on (None, 4, 5): gamma/beta of shape (4, 5)",
    lambda: seq((4, 5), L.LayerNormalization(axis=[1, 2])), normal(4, 5))
add("layernorm_no_center_scale", "LayerNormalization", "center=False, scale=False, epsilon=0.01",
    lambda: seq((4, 5), L.LayerNormalization(center=False, scale=False, epsilon=0.01)), normal(4, 5))

# ---- embedding / masking ------------------------------------------------------

add("embedding", "Embedding", "Embedding(10, 4), mask_zero=False (id 0 is an ordinary row)",
    lambda: seq((6,), L.Embedding(10, 4), dtype="int32"), lambda rng: ids_with_padding(rng, vocab=10))
add("embedding_mask_zero", "Embedding",
    "Embedding(10, 4, mask_zero=True): outputs are the plain lookups (the mask only affects "
    "downstream layers; see *_masked cases)",
    lambda: seq((6,), L.Embedding(10, 4, mask_zero=True), dtype="int32"),
    lambda rng: ids_with_padding(rng, vocab=10))
add("masking", "Masking", "Masking(0.0) -> SimpleRNN(3, return_sequences=True): masked steps "
    "repeat the previous output and do not update the state",
    lambda: seq((6, 3), L.Masking(0.0), L.SimpleRNN(3, return_sequences=True)), masked_float_sequence(0.0))
add("masking_nonzero_value", "Masking", "Masking(-1.0) -> SimpleRNN(3, return_sequences=True); a "
    "step is masked only when every feature equals -1.0",
    lambda: seq((6, 3), L.Masking(-1.0), L.SimpleRNN(3, return_sequences=True)),
    masked_float_sequence(-1.0))

# ---- recurrent ----------------------------------------------------------------

RNNS = {
    "simple_rnn": ("SimpleRNN", lambda **kw: L.SimpleRNN(3, **kw)),
    "lstm": ("LSTM", lambda **kw: L.LSTM(3, **kw)),
    "gru": ("GRU", lambda **kw: L.GRU(3, **kw)),  # reset_after=True (default)
    "gru_reset_after_false": ("GRU", lambda **kw: L.GRU(3, reset_after=False, **kw)),
}


def _return_state_model(make):
    inp = keras.Input((5, 2))
    outs = make(return_state=True)(inp)
    return keras.Model(inp, list(outs))


def _masked_model(make, **kw):
    return seq((6,), L.Embedding(7, 2, mask_zero=True), make(**kw), dtype="int32")


for _n, (_cls, _make) in RNNS.items():
    _extra = " (reset_after=False: bias (3*units,), reset gate before the matmul)" \
        if _n == "gru_reset_after_false" else (" (reset_after=True: bias (2, 3*units))" if _cls == "GRU" else "")
    add(_n, _cls, "units 3, last output" + _extra,
        (lambda m: lambda: seq((5, 2), m()))(_make), normal(5, 2))
    add(f"{_n}_return_sequences", _cls, "return_sequences=True" + _extra,
        (lambda m: lambda: seq((5, 2), m(return_sequences=True)))(_make), normal(5, 2))
    add(f"{_n}_return_state", _cls,
        "return_state=True: Functional model with outputs [output, *states]"
        + (" (LSTM: h, c)" if _cls == "LSTM" else "") + _extra,
        (lambda m: lambda: _return_state_model(m))(_make), normal(5, 2))
    add(f"{_n}_go_backwards", _cls, "go_backwards=True, last output" + _extra,
        (lambda m: lambda: seq((5, 2), m(go_backwards=True)))(_make), normal(5, 2))
    add(f"{_n}_masked", _cls,
        "Embedding(7, 2, mask_zero=True) -> RNN(return_sequences=True): masked steps repeat the "
        "previous output, state not updated" + _extra,
        (lambda m: lambda: _masked_model(m, return_sequences=True))(_make), ids_with_padding)
    add(f"{_n}_go_backwards_masked", _cls,
        "Embedding(7, 2, mask_zero=True) -> RNN(go_backwards=True), last output" + _extra,
        (lambda m: lambda: _masked_model(m, go_backwards=True))(_make), ids_with_padding)
    add(f"{_n}_unroll", _cls, "unroll=True, return_sequences=True" + _extra,
        (lambda m: lambda: seq((5, 2), m(unroll=True, return_sequences=True)))(_make), normal(5, 2))

add("lstm_hard_sigmoid", "LSTM", "recurrent_activation='hard_sigmoid' (Keras 3: relu6(x + 3) / 6)",
    lambda hs="hard_sigmoid": seq((5, 2), L.LSTM(3, recurrent_activation=hs, return_sequences=True)),
    normal(5, 2, scale=2.0), hard_sigmoid=True)
add("gru_hard_sigmoid", "GRU", "recurrent_activation='hard_sigmoid' (Keras 3: relu6(x + 3) / 6)",
    lambda hs="hard_sigmoid": seq((5, 2), L.GRU(3, recurrent_activation=hs, return_sequences=True)),
    normal(5, 2, scale=2.0), hard_sigmoid=True)


def _stateful_inputs(rng):
    return [rng.normal(0.0, 1.0, (2, 4, 3)).astype(np.float32)]


add("lstm_stateful", "LSTM", "stateful=True, batch_shape (2, 4, 3), two consecutive predict calls "
    "(state carried from the first to the second); model_keras2.h5 without InputLayer",
    lambda: seq((4, 3), L.LSTM(3, stateful=True, return_sequences=True), batch_size=2),
    _stateful_inputs, stateful=True, k2_bis=True)
add("gru_stateful", "GRU", "stateful=True, batch_shape (2, 4, 3), two consecutive predict calls",
    lambda: seq((4, 3), L.GRU(3, stateful=True), batch_size=2), _stateful_inputs, stateful=True)

for _mode in ("concat", "sum", "mul", "ave"):
    add(f"bidirectional_{_mode}", "Bidirectional", f"Bidirectional(LSTM(3), merge_mode='{_mode}')",
        (lambda md: lambda: seq((5, 2), L.Bidirectional(L.LSTM(3), merge_mode=md)))(_mode), normal(5, 2))


def _bidi_none():
    inp = keras.Input((5, 2))
    outs = L.Bidirectional(L.LSTM(3), merge_mode=None)(inp)
    return keras.Model(inp, list(outs))


add("bidirectional_none", "Bidirectional",
    "Bidirectional(LSTM(3), merge_mode=None): two outputs [forward, backward]", _bidi_none, normal(5, 2))
add("bidirectional_return_sequences", "Bidirectional",
    "Bidirectional(LSTM(3, return_sequences=True)), concat; the backward half is re-reversed in time",
    lambda: seq((5, 2), L.Bidirectional(L.LSTM(3, return_sequences=True))), normal(5, 2))
add("time_distributed_dense", "TimeDistributed", "TimeDistributed(Dense(3)) on (None, 4, 5)",
    lambda: seq((4, 5), L.TimeDistributed(L.Dense(3))), normal(4, 5))
add("time_distributed_conv2d", "TimeDistributed", "TimeDistributed(Conv2D(2, 3)) on (None, 3, 6, 5, 2)",
    lambda: seq((3, 6, 5, 2), L.TimeDistributed(L.Conv2D(2, 3))), normal(3, 6, 5, 2))

# ---- merge --------------------------------------------------------------------


def _merge(layer_fn, shapes):
    def build():
        ins = [keras.Input(s, name=f"in_{i}") for i, s in enumerate(shapes)]
        return keras.Model(ins, layer_fn()(ins))
    return build


for _n, _M, _k in (("add", L.Add, 3), ("subtract", L.Subtract, 2), ("multiply", L.Multiply, 2),
                   ("average", L.Average, 2), ("maximum", L.Maximum, 2), ("minimum", L.Minimum, 2)):
    _shapes = [(4,)] * _k
    add(f"merge_{_n}", _M.__name__, f"{_M.__name__} of {_k} inputs (None, 4)",
        _merge(_M, _shapes), normal_n(*_shapes))
add("merge_concatenate", "Concatenate", "Concatenate(axis=-1) of (None, 3, 2) and (None, 3, 4)",
    _merge(lambda: L.Concatenate(axis=-1), [(3, 2), (3, 4)]), normal_n((3, 2), (3, 4)))
add("merge_concatenate_axis_1", "Concatenate", "Concatenate(axis=1) of (None, 2, 4) and (None, 3, 4)",
    _merge(lambda: L.Concatenate(axis=1), [(2, 4), (3, 4)]), normal_n((2, 4), (3, 4)))
add("merge_dot_axes", "Dot", "Dot(axes=(2, 1)) of (None, 3, 4) and (None, 4, 2) -> (None, 3, 2)",
    _merge(lambda: L.Dot(axes=(2, 1)), [(3, 4), (4, 2)]), normal_n((3, 4), (4, 2)))
add("merge_dot_normalize", "Dot", "Dot(axes=1, normalize=True) of two (None, 5): cosine similarity",
    _merge(lambda: L.Dot(axes=1, normalize=True), [(5,), (5,)]), normal_n((5,), (5,)))


# ---- None dimensions (variable sizes) and RNN initial states -------------------


def _arrays(*shapes, dtype=np.float32):
    def make(rng):
        return [rng.normal(0.0, 1.0, (BATCH,) + s).astype(dtype) for s in shapes]
    return make


def _none_conv_autoencoder():
    inp = keras.Input((None, None, 1))
    h = L.Conv2D(4, 3, padding="same", activation="relu")(inp)
    h = L.MaxPooling2D()(h)
    h = L.Conv2D(3, 3, padding="same", activation="relu")(h)
    h = L.UpSampling2D()(h)
    return keras.Model(inp, L.Conv2D(1, 3, padding="same", activation="sigmoid")(h))


def _none_nested_conv_transpose():
    inner = keras.Sequential([keras.Input((None, None, 2)), L.UpSampling2D(),
                              L.Conv2DTranspose(3, 3, strides=2, padding="same", activation="relu")],
                             name="decoder")
    inp = keras.Input((None, None, 1))
    h = L.Conv2D(2, 3, strides=2, padding="same")(inp)
    return keras.Model(inp, L.Conv2D(1, 1)(inner(h)))


def _none_lstm_autoencoder():
    inp = keras.Input((None, 3))
    h = L.LSTM(4)(inp)
    h = L.RepeatVector(5)(h)
    h = L.LSTM(4, return_sequences=True)(h)
    return keras.Model(inp, L.TimeDistributed(L.Dense(3))(h))


def _none_conv1d_gru():
    inp = keras.Input((None, 2))
    h = L.Conv1D(3, 3, padding="same", activation="tanh")(inp)
    h = L.UpSampling1D(2)(h)
    h = L.GRU(3, return_sequences=True)(h)
    return keras.Model(inp, L.Dense(2)(L.GlobalMaxPooling1D()(h)))


def _none_embedding_bidi():
    return seq((None,), L.Embedding(7, 3, mask_zero=True), L.Bidirectional(L.LSTM(2, return_sequences=True)),
               L.TimeDistributed(L.Dense(2)), dtype="int32")


def _ids(steps):
    def make(rng):
        return ids_with_padding(rng, steps=steps)
    return make


add("none_conv_autoencoder", "Conv2D", "Input((None, None, 1)) -> Conv2D -> MaxPooling2D -> Conv2D -> "
    "UpSampling2D -> Conv2D: a fully-convolutional autoencoder predicting 8x8 then 12x16 images",
    _none_conv_autoencoder, _arrays((8, 8, 1)), inputs2=_arrays((12, 16, 1)))
add("none_nested_conv_transpose", "Conv2DTranspose", "Input((None, None, 1)) -> Conv2D(strides 2) -> "
    "nested Sequential(UpSampling2D, Conv2DTranspose(strides 2)) -> Conv2D(1, 1); 8x8 then 6x10",
    _none_nested_conv_transpose, _arrays((8, 8, 1)), inputs2=_arrays((6, 10, 1)))
add("none_lstm_autoencoder", "LSTM", "Input((None, 3)) -> LSTM -> RepeatVector(5) -> "
    "LSTM(return_sequences) -> TimeDistributed(Dense); 6 then 9 timesteps",
    _none_lstm_autoencoder, _arrays((6, 3)), inputs2=_arrays((9, 3)))
add("none_conv1d_gru", "GRU", "Input((None, 2)) -> Conv1D(same) -> UpSampling1D -> GRU(return_sequences) "
    "-> GlobalMaxPooling1D -> Dense; 5 then 8 timesteps",
    _none_conv1d_gru, _arrays((5, 2)), inputs2=_arrays((8, 2)))
add("none_embedding_bidirectional", "Bidirectional", "Input((None,), int32) -> Embedding(mask_zero) -> "
    "Bidirectional(LSTM(return_sequences)) -> TimeDistributed(Dense); 6 then 5 padded steps",
    _none_embedding_bidi, _ids(6), inputs2=_ids(5))


def _initial_state(make, n_states, units=3, masked=False, **kw):
    def build():
        if masked:
            x_in = keras.Input((6,), dtype="int32", name="ids")
            x = L.Embedding(7, 2, mask_zero=True)(x_in)
        else:
            x_in = keras.Input((5, 2), name="seq")
            x = x_in
        states = [keras.Input((units,), name=f"state_{i}") for i in range(n_states)]
        out = make(**kw)(x, initial_state=states)
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        return keras.Model([x_in, *states], outs)
    return build


def _with_states(seq_fn, n_states, units=3):
    def make(rng):
        first = seq_fn(rng)
        n = first[0].shape[0]
        return first + [rng.normal(0.0, 1.0, (n, units)).astype(np.float32) for _ in range(n_states)]
    return make


_seq52 = lambda rng: [rng.normal(0.0, 1.0, (BATCH, 5, 2)).astype(np.float32)]  # noqa: E731
for _n, _make, _k in (("simple_rnn", lambda **kw: L.SimpleRNN(3, **kw), 1),
                      ("lstm", lambda **kw: L.LSTM(3, **kw), 2),
                      ("gru", lambda **kw: L.GRU(3, **kw), 1)):
    add(f"{_n}_initial_state", _make().__class__.__name__,
        "initial_state from model inputs, return_sequences + return_state",
        _initial_state(_make, _k, return_sequences=True, return_state=True), _with_states(_seq52, _k))
add("lstm_initial_state_masked", "LSTM", "Embedding(mask_zero) -> LSTM(x, initial_state=[h, c]): "
    "Keras 3 fills in mask= only for a call with one tensor argument, so this LSTM runs unmasked",
    _initial_state(lambda **kw: L.LSTM(3, **kw), 2, masked=True, return_sequences=True),
    _with_states(ids_with_padding, 2),
    keras2="tf.keras 2 applied the sequence's mask (mask[0]) to an RNN called on [x, *states], Keras 3 "
           "does not: a tf.keras 2 file of this model means other outputs; it is the case "
           "lstm_initial_state_masked_keras2")
add("bidirectional_initial_state", "Bidirectional", "Bidirectional(LSTM(3, return_state=True))(x, "
    "initial_state=[fh, fc, bh, bc]): the first half to the forward layer, the second to the backward one",
    _initial_state(lambda **kw: L.Bidirectional(L.LSTM(3, return_state=True, return_sequences=True)), 4),
    _with_states(_seq52, 4))
add("rnn_lstm_cell_initial_state", "RNN", "RNN(LSTMCell(3), return_sequences=True)(x, initial_state=[h, c])",
    _initial_state(lambda **kw: L.RNN(L.LSTMCell(3), return_sequences=True), 2), _with_states(_seq52, 2))


def _seq2seq():
    enc_in = keras.Input((None, 4), name="encoder_inputs")
    _, h, c = L.LSTM(5, return_state=True, name="encoder")(enc_in)
    dec_in = keras.Input((None, 3), name="decoder_inputs")
    dec, _, _ = L.LSTM(5, return_sequences=True, return_state=True, name="decoder")(
        dec_in, initial_state=[h, c])
    return keras.Model([enc_in, dec_in], L.Dense(3, activation="softmax")(dec))


add("lstm_seq2seq", "LSTM", "Keras's lstm_seq2seq example: encoder LSTM(return_state) -> decoder "
    "LSTM(initial_state=[h, c]) -> Dense(softmax); variable lengths: (6, 4) then (3, 5) steps",
    _seq2seq, _arrays((6, 4), (4, 3)), inputs2=_arrays((3, 4), (5, 3)))


def _stacked(return_state):
    def build():
        inp = keras.Input((5, 2))
        cells = L.StackedRNNCells([L.LSTMCell(3), L.GRUCell(2), L.SimpleRNNCell(4)])
        out = L.RNN(cells, return_sequences=True, return_state=return_state)(inp)
        # the states are nested ([h1, c1], h2, h3); the model lists them flat
        return keras.Model(inp, keras.tree.flatten(out) if return_state else out)
    return build


add("rnn_stacked_cells", "RNN", "RNN(StackedRNNCells([LSTMCell(3), GRUCell(2), SimpleRNNCell(4)]), "
    "return_sequences=True)", _stacked(False), normal(5, 2))
add("rnn_stacked_cells_return_state", "RNN", "RNN(StackedRNNCells([LSTMCell(3), GRUCell(2), "
    "SimpleRNNCell(4)]), return_sequences=True, return_state=True): outputs y, h1, c1, h2, h3",
    _stacked(True), normal(5, 2))

# ---- models -----------------------------------------------------------------


def _multi_io():
    a = keras.Input((4,), name="in_a")
    b = keras.Input((3,), name="in_b")
    h = L.Concatenate()([L.Dense(5, activation="relu")(a), L.Dense(5, activation="tanh")(b)])
    y1 = L.Dense(2, activation="softmax", name="out_class")(h)
    y2 = L.Dense(1, name="out_value")(h)
    return keras.Model([a, b], [y1, y2])


def _shared():
    a = keras.Input((4,), name="in_a")
    b = keras.Input((4,), name="in_b")
    shared = L.Dense(3, activation="tanh", name="shared_dense")
    h = L.Concatenate()([shared(a), shared(b)])
    return keras.Model([a, b], L.Dense(2)(h))


def _nested():
    inner = keras.Sequential([keras.Input((4,)), L.Dense(5, activation="relu"), L.BatchNormalization(),
                              L.Dense(3)], name="inner_sequential")
    inp = keras.Input((4,))
    return keras.Model(inp, L.Dense(2)(inner(inp)))


def _sequential_no_input():
    m = keras.Sequential([L.Dense(4, activation="tanh"), L.Dense(2)])
    m.build((None, 3))
    return m


add("functional_multi_io", "Functional", "2 inputs, 2 outputs (Dense branches, Concatenate); "
    "model_keras2.h5 uses class_name 'Model' (tf.keras < 2.4)",
    _multi_io, lambda rng: [rng.normal(0, 1, (BATCH, 4)).astype(np.float32),
                            rng.normal(0, 1, (BATCH, 3)).astype(np.float32)], k2_class="Model")
add("functional_shared_layer", "Functional", "one Dense applied to two inputs (inbound nodes 0 and 1)",
    _shared, normal_n((4,), (4,)))
add("nested_model", "Sequential", "a Sequential (Dense, BatchNormalization, Dense) used as a layer "
    "inside a Functional model", _nested, normal(4))
add("sequential_no_input_layer", "Sequential",
    "Sequential([Dense(4, tanh), Dense(2)]) built with model.build((None, 3)), no Input",
    _sequential_no_input, normal(3), k2_bis=True,
    notes="Keras 3.15.1 still builds a Sequential without an Input (model.build or the first call), "
          "but it then inserts an InputLayer itself, so model.keras/model.h5 contain one. "
          "model_keras2.h5 is written the tf.keras 2 way for such a model: no InputLayer, "
          "batch_input_shape [null, 3] on the first Dense.")

def _functional_masked_lstm():
    ids = keras.Input((6,), dtype="int32", name="ids")
    e = L.Embedding(7, 3, mask_zero=True)(ids)
    h = L.LSTM(4, return_sequences=True)(e)
    h = L.GRU(3)(h)
    return keras.Model(ids, L.Dense(2)(h))


def _functional_masked_merge():
    a = keras.Input((6,), dtype="int32", name="ids_a")
    b = keras.Input((6,), dtype="int32", name="ids_b")
    ea = L.Embedding(7, 3, mask_zero=True)(a)
    eb = L.Embedding(7, 3, mask_zero=True)(b)
    c = L.Concatenate()([ea, eb])
    s = L.Add()([ea, eb])
    return keras.Model([a, b], [L.GlobalAveragePooling1D()(c), L.SimpleRNN(2)(s)])


add("functional_masked_lstm", "Functional",
    "Embedding(mask_zero) -> LSTM -> GRU in a Functional model: Keras 3 records the mask as a "
    "NotEqual op node passed to the RNNs as mask=",
    _functional_masked_lstm, lambda rng: ids_with_padding(rng),
    h5="Keras 3.15.1 cannot load it back from its legacy .h5 (Unknown layer: 'NotEqual': the legacy loader has no op nodes)",
    keras2="tf.keras 2 recorded masks differently (no op nodes): there is no tf.keras 2 form of this config")
add("functional_masked_merge", "Functional",
    "two masked Embeddings merged (Concatenate, Add): Keras 3 records the merged masks as "
    "ExpandDims/ZerosLike/LogicalOr/Concatenate/Any op nodes",
    _functional_masked_merge, lambda rng: ids_with_padding(rng) + ids_with_padding(rng),
    h5="Keras 3.15.1 cannot load it back from its legacy .h5 (Unknown layer: 'NotEqual': the legacy loader has no op nodes)",
    keras2="tf.keras 2 recorded masks differently (no op nodes): there is no tf.keras 2 form of this config")

def _masked_initial_state_twin():
    ids = keras.Input((6,), dtype="int32", name="ids")
    states = [keras.Input((3,), name=f"state_{i}") for i in range(2)]
    x = L.Embedding(7, 2, mask_zero=True)(ids)
    out = L.LSTM(3, return_sequences=True)(x, initial_state=states, mask=keras.ops.not_equal(ids, 0))
    return keras.Model([ids, *states], out)


_b = CASES["lstm_initial_state_masked"]
add("lstm_initial_state_masked_keras2", "LSTM", "Embedding(mask_zero) -> LSTM([x, h, c]) in a tf.keras 2 "
    "file: tf.keras 2 applied the sequence's mask (mask[0]); masked steps keep the given states",
    _b.build, _b.inputs, keras2_companion_of=_b.name, k2_mask_twin=_masked_initial_state_twin)

# hard_sigmoid companions: the same model read as a tf.keras 2 file.
for _base in [c for c in CASES.values() if c.hard_sigmoid]:
    add(f"{_base.name}_keras2", _base.layer,
        _base.option.replace("(Keras 3: relu6(x + 3) / 6)", "").strip()
        + " in a tf.keras 2 file: hard_sigmoid = clip(0.2x + 0.5, 0, 1)",
        _base.build, _base.inputs, keras2_companion_of=_base.name)


# ---- dtype policies -------------------------------------------------------
# The same layers under a half-precision dtype policy: "float16" (float16 variables and compute)
# and "mixed_float16" (float32 variables read as float16). Keras's predict returns float16
# (stored here widened to float32, exactly); KerasBridge must run the same float16 ops.

_NO_K2_POLICY = ("tf.keras 2 files store a mixed-precision Policy, not a Keras 3 DTypePolicy; "
                 "these cases test the Keras 3 policy semantics")


def _policy_cases(policy):
    P = policy
    tag = {"float16": "f16", "mixed_float16": "mixed_f16", "bfloat16": "bf16"}[P]
    kw = dict(keras2=_NO_K2_POLICY)

    def add_p(name, layer, option, build, inputs, **extra):
        add(f"policy_{tag}_{name}", layer, f"dtype={P!r}: " + option, build, inputs,
            **{**kw, **extra})

    add_p("dense", "Dense", "Dense(4, relu) -> Dense(3)",
          lambda: seq((5,), L.Dense(4, activation="relu", dtype=P), L.Dense(3, dtype=P)),
          normal(5, scale=2.0))
    add_p("dense_3d_input", "Dense", "Dense(3) on (None, 4, 5)",
          lambda: seq((4, 5), L.Dense(3, dtype=P)), normal(4, 5))
    add_p("conv1d_causal", "Conv1D", "Conv1D(3, 3, padding='causal', relu) -> Conv1D(2, 2, "
          "dilation_rate=2, causal)",
          lambda: seq((9, 2), L.Conv1D(3, 3, padding="causal", activation="relu", dtype=P),
                      L.Conv1D(2, 2, padding="causal", dilation_rate=2, dtype=P)),
          normal(9, 2))
    add_p("conv2d", "Conv2D", "Conv2D(3, 3, same) -> Conv2D(2, 2, strides 2, valid)",
          lambda: seq((6, 7, 2), L.Conv2D(3, 3, padding="same", dtype=P),
                      L.Conv2D(2, 2, strides=2, dtype=P)),
          normal(6, 7, 2))
    add_p("batch_normalization", "BatchNormalization",
          "Dense(4) -> BatchNormalization (computes in float32, casts back)",
          lambda: seq((5,), L.Dense(4, dtype=P), L.BatchNormalization(dtype=P)),
          normal(5, scale=2.0))
    add_p("batch_normalization_conv", "BatchNormalization",
          "Conv1D(3, 2) -> BatchNormalization(axis=-1) on (None, 6, 2)",
          lambda: seq((6, 2), L.Conv1D(3, 2, dtype=P), L.BatchNormalization(dtype=P)),
          normal(6, 2))
    add_p("layer_normalization", "LayerNormalization",
          "Dense(4) -> LayerNormalization (no autocast; float32 inside)",
          lambda: seq((5,), L.Dense(4, dtype=P), L.LayerNormalization(dtype=P)),
          normal(5, scale=2.0))
    add_p("lstm", "LSTM", "LSTM(4) on (None, 5, 3) -> Dense(2)",
          lambda: seq((5, 3), L.LSTM(4, dtype=P), L.Dense(2, dtype=P)), normal(5, 3))
    add_p("lstm_sequences", "LSTM", "LSTM(3, return_sequences=True)",
          lambda: seq((5, 3), L.LSTM(3, return_sequences=True, dtype=P)), normal(5, 3))
    add_p("gru", "GRU", "GRU(4) (reset_after=True)",
          lambda: seq((5, 3), L.GRU(4, dtype=P)), normal(5, 3))
    add_p("simple_rnn", "SimpleRNN", "SimpleRNN(4, return_sequences=True)",
          lambda: seq((5, 3), L.SimpleRNN(4, return_sequences=True, dtype=P)), normal(5, 3))
    add_p("pooling1d", "MaxPooling1D", "MaxPooling1D(2) -> AveragePooling1D(2) -> "
          "GlobalAveragePooling1D (ops.mean in float32)",
          lambda: seq((9, 3), L.MaxPooling1D(2, dtype=P), L.AveragePooling1D(2, dtype=P),
                      L.GlobalAveragePooling1D(dtype=P)),
          normal(9, 3))
    add_p("pooling2d", "MaxPooling2D", "MaxPooling2D(2) -> AveragePooling2D(2, same) -> "
          "GlobalMaxPooling2D",
          lambda: seq((7, 8, 2), L.MaxPooling2D(2, dtype=P),
                      L.AveragePooling2D(2, padding="same", dtype=P),
                      L.GlobalMaxPooling2D(dtype=P)),
          normal(7, 8, 2))
    add_p("global_average_pooling2d", "GlobalAveragePooling2D", "on (None, 4, 5, 3)",
          lambda: seq((4, 5, 3), L.GlobalAveragePooling2D(dtype=P)), normal(4, 5, 3, scale=3.0))
    add_p("embedding", "Embedding", "Embedding(10, 4) -> LSTM(3) (no autocast; output cast)",
          lambda: seq((6,), L.Embedding(10, 4, dtype=P), L.LSTM(3, dtype=P), dtype="int32"),
          lambda rng: ids_with_padding(rng, vocab=10))
    add_p("embedding_masked_pooling", "GlobalAveragePooling1D",
          "Embedding(7, 3, mask_zero=True) -> GlobalAveragePooling1D (masked sum in float16)",
          lambda: seq((6,), L.Embedding(7, 3, mask_zero=True, dtype=P),
                      L.GlobalAveragePooling1D(dtype=P), dtype="int32"),
          ids_with_padding)
    add_p("softmax", "Softmax", "Dense(4) -> Softmax() -> Dense(4, activation='softmax')",
          lambda: seq((5,), L.Dense(4, dtype=P), L.Softmax(dtype=P),
                      L.Dense(4, activation="softmax", dtype=P)),
          normal(5, scale=2.0))
    add_p("activations", "Activation",
          "Dense(6) -> Activation each of sigmoid, tanh, elu, selu, gelu, silu, hard_sigmoid, "
          "softplus, relu6, leaky_relu (Functional, one output each)",
          lambda: _policy_activations(P), normal(5, scale=2.0))
    add_p("merge", "Add", "Functional: two Dense(4) -> Add, Subtract, Maximum, Minimum -> "
          "Concatenate",
          lambda: _policy_merge(P), normal(5, scale=2.0))
    add_p("reshape_flatten_dropout", "Reshape",
          "Dense(6) -> Reshape((2, 3)) -> Dropout(0.5) -> Flatten -> ReLU(max_value=1.5, "
          "negative_slope=0.1)",
          lambda: seq((5,), L.Dense(6, dtype=P), L.Reshape((2, 3), dtype=P),
                      L.Dropout(0.5, dtype=P), L.Flatten(dtype=P),
                      L.ReLU(max_value=1.5, negative_slope=0.1, dtype=P)),
          normal(5, scale=2.0))


_POLICY_ACTIVATIONS = ["sigmoid", "tanh", "elu", "selu", "gelu", "silu", "hard_sigmoid",
                       "softplus", "relu6", "leaky_relu"]


def _policy_activations(P):
    inp = keras.Input((5,))
    h = L.Dense(6, dtype=P)(inp)
    outs = [L.Activation(a, dtype=P, name=f"act_{a}")(h) for a in _POLICY_ACTIVATIONS]
    return keras.Model(inp, outs)


def _policy_merge(P):
    inp = keras.Input((5,))
    a = L.Dense(4, dtype=P)(inp)
    b = L.Dense(4, dtype=P)(inp)
    parts = [L.Add(dtype=P)([a, b]), L.Subtract(dtype=P)([a, b]), L.Maximum(dtype=P)([a, b]),
             L.Minimum(dtype=P)([a, b])]
    return keras.Model(inp, L.Concatenate(dtype=P)(parts))


def _mixed_output_float32():
    inp = keras.Input((5,))
    h = L.Dense(6, activation="relu", dtype="mixed_float16")(inp)
    h = L.Dense(4, dtype="mixed_float16")(h)
    out = L.Activation("softmax", dtype="float32")(h)
    return keras.Model(inp, out)


def _global_policy_model():
    old = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_float16")
    try:
        return seq((6, 3), L.Conv1D(4, 3, activation="relu"), L.LSTM(3), L.Dense(2))
    finally:
        keras.config.set_dtype_policy(old)


for _pol in ("float16", "mixed_float16"):
    _policy_cases(_pol)

add("policy_mixed_f16_output_float32", "Activation",
    "mixed_float16 Dense layers -> Activation('softmax', dtype='float32'): the usual mixed-"
    "precision model, whose last layer casts to float32 (a float32 output)",
    _mixed_output_float32, normal(5, scale=2.0), keras2=_NO_K2_POLICY)
add("policy_global_mixed_f16", "LSTM",
    "keras.config.set_dtype_policy('mixed_float16') while building: every layer and the "
    "Sequential itself carry the policy (a model-level policy)",
    _global_policy_model, normal(6, 3), keras2=_NO_K2_POLICY)
# No pure "bfloat16" case: its variables are bfloat16, which .keras stores as an opaque HDF5
# type (attrs dtype="bfloat16") that KerasBridge refuses to read (and Keras's own legacy .h5
# loader cannot read back); mixed_bfloat16 keeps float32 variables.
add("policy_mixed_bf16_lstm", "LSTM", "dtype='mixed_bfloat16': LSTM(3) -> Dense(2)",
    lambda: seq((5, 3), L.LSTM(3, dtype="mixed_bfloat16"), L.Dense(2, dtype="mixed_bfloat16")),
    normal(5, 3), keras2=_NO_K2_POLICY)


# ---------------------------------------------------------------------------
# Building, predicting, saving, verifying
# ---------------------------------------------------------------------------

def case_rng(name, salt=0):
    return np.random.RandomState((SEED + zlib.crc32(name.encode()) + salt) % (2 ** 31))


def nontrivial_weights(model, rng):
    """Overwrite the weights Keras initializes to constants with seeded random values."""
    for v in model.weights:
        w = np.asarray(v.numpy())
        leaf = v.path.split("/")[-1]
        if leaf == "moving_variance":
            w = rng.uniform(0.5, 2.0, w.shape)
        elif leaf == "moving_mean":
            w = rng.normal(0.0, 0.5, w.shape)
        elif leaf == "gamma":
            w = rng.normal(1.0, 0.3, w.shape)
        elif leaf in ("beta", "bias"):
            w = w + rng.normal(0.0, 0.5, w.shape)  # LSTM: keeps the unit_forget_bias offset
        elif leaf == "alpha":  # PReLU
            w = rng.normal(0.25, 0.2, w.shape)
        elif leaf == "embeddings":
            w = rng.normal(0.0, 1.0, w.shape)
        else:
            continue
        v.assign(w.astype(np.float32))


def load_keras3_h5_keeping_axis(path):
    """Rebuild a Keras 3 legacy model.h5 whose layers have a multi-axis 'axis' list.

    Keras 3.15.1's legacy loader pops such an 'axis'; deserializing those layer
    entries through the Keras 3 serializer (a "module" key) keeps it. The config
    and weights are the file's own.
    """
    import h5py
    from keras.src.legacy.saving import legacy_h5_format, saving_utils

    with h5py.File(path, "r") as f:
        raw = f.attrs["model_config"]
    cfg = json.loads(raw.decode("utf8") if isinstance(raw, bytes) else raw)

    def fix(c):
        for e in c.get("config", {}).get("layers", []):
            if isinstance(e.get("config", {}).get("axis"), list) and len(e["config"]["axis"]) > 1:
                e["module"] = "keras.layers"
                e["registered_name"] = None
            if e.get("class_name") in ("Sequential", "Functional"):
                fix(e)

    fix(cfg)
    model = saving_utils.model_from_config(cfg)
    with h5py.File(path, "r") as f:
        legacy_h5_format.load_weights_from_hdf5_group(f["model_weights"], model)
    return model


def verify_keras2_into_twin(path, twin, batches, expected):
    """The weights of a model_keras2.h5 loaded (Keras 3's legacy loader) into the semantic twin
    reproduce the expected outputs."""
    import h5py
    from keras.src.legacy.saving import legacy_h5_format
    with h5py.File(path, "r") as f:
        legacy_h5_format.load_weights_from_hdf5_group(f["model_weights"], twin)
    got = predict_check(twin, batches)
    d = max(common.max_abs_diff(a, b) for o1, o2 in zip(got, expected) for a, b in zip(o1, o2))
    if d > RELOAD_ATOL:
        raise AssertionError(f"{path}: weights loaded into the twin give outputs off by {d}")
    return {"method": "model_keras2.h5 weights (Keras 3 legacy_h5_format.load_weights_from_hdf5_group) "
                      "in the explicit-mask twin", "max_abs_diff": d}


def predict_reference(model, batches):
    """The fixture outputs: model.predict(inputs, batch_size=len(inputs)) per call."""
    return keras2_h5.predict_sequence(model, batches, on_batch=False)


def predict_check(model, batches):
    """Checks (reloads, twins): model.predict_on_batch, the same predict step, faster."""
    return keras2_h5.predict_sequence(model, batches, on_batch=True)


def to_channels_last(a):
    return np.ascontiguousarray(np.moveaxis(a, 1, -1)) if a.ndim >= 3 else a


def to_channels_first(a):
    return np.ascontiguousarray(np.moveaxis(a, -1, 1)) if a.ndim >= 3 else a


def io_entries(prefix, arrays, tensors):
    out = []
    names = [t._keras_history.operation.name for t in tensors]
    for i, (a, t) in enumerate(zip(arrays, tensors)):
        e = {"file": f"{prefix}_{i}.npy", "name": names[i], "shape": list(a.shape),
             "dtype": str(a.dtype)}
        if names.count(names[i]) > 1:  # several outputs of one layer (return_state, merge_mode=None)
            e["tensor_index"] = int(t._keras_history.tensor_index)
        out.append(e)
    return out


def save_arrays(d, prefix, arrays):
    for i, a in enumerate(arrays):
        np.save(d / f"{prefix}_{i}.npy", np.ascontiguousarray(a))


def make_case(c, out_root):
    t0 = time.time()
    notes = [c.notes] if c.notes else []
    seed_name = c.keras2_companion_of or c.name  # a companion reuses its base case's weights and probe
    common.reset()
    model = c.build()
    nontrivial_weights(model, case_rng(seed_name))
    rng_in = case_rng(seed_name, 1)
    batches = [c.inputs(rng_in)]
    if c.stateful:
        batches.append(c.inputs(rng_in))
    elif c.inputs2 is not None:
        batches.append(c.inputs2(rng_in))
    batches = [[np.ascontiguousarray(a) for a in b] for b in batches]

    reference = {"method": "native", "detail": "model.predict(inputs, batch_size=len(inputs)) in Keras"}
    can_run_native = True
    companion = c.keras2_companion_of is not None

    if companion and c.k2_mask_twin is not None:
        # Same model, weights and probe as the base case; outputs with tf.keras 2's mask rule.
        twin = c.k2_mask_twin()
        twin.set_weights(model.get_weights())
        outputs = predict_reference(twin, batches)
        k3_outputs = predict_check(model, batches)
        delta = max(common.max_abs_diff(a, b) for a, b in zip(outputs[0], k3_outputs[0]))
        reference = {
            "method": "keras3_twin_with_explicit_sequence_mask",
            "detail": "Keras 3 model with the same weights whose RNN is called with mask=not_equal(ids, 0) "
                      "next to initial_state: tf.keras 2's RNN applied mask[0], the sequence's mask, to a "
                      "call on [x, *states]",
            "max_abs_diff_vs_keras3_unmasked": delta,
        }
        if delta <= ATOL:
            raise AssertionError(f"{c.name}: probe does not separate masked from unmasked")
        notes.append(
            f"Companion of {c.keras2_companion_of}: the same model, weights and probe, stored only as "
            "model_keras2.h5 (keras_version 2.11.0), whose LSTM node is lstm([x, h, c]). tf.keras 2 applied "
            "the sequence's mask (mask[0]) to such a call; Keras 3 fills in mask= only for a call with one "
            "tensor argument, so it runs the .keras model unmasked. output_*.npy come from a Keras 3 twin "
            "that passes the mask explicitly (they differ from the Keras 3 outputs of "
            f"{c.keras2_companion_of} by up to {delta:.3g}).")
    elif companion:
        # Same model, weights and probe as the base case; outputs with tf.keras 2's hard_sigmoid.
        twin = c.build(hs=keras2_h5.keras2_hard_sigmoid)
        twin.set_weights(model.get_weights())
        outputs = predict_reference(twin, batches)
        k3_outputs = predict_check(model, batches)
        delta = max(common.max_abs_diff(a, b) for a, b in zip(outputs[0], k3_outputs[0]))
        reference = {
            "method": "keras3_twin_with_keras2_hard_sigmoid",
            "detail": "Keras 3 model with the same weights in which every 'hard_sigmoid' is replaced by "
                      "clip(0.2 * x + 0.5, 0, 1) (tf.keras 2.x backend.hard_sigmoid)",
            "max_abs_diff_vs_keras3_hard_sigmoid": delta,
        }
        if delta <= ATOL:
            raise AssertionError(f"{c.name}: probe does not separate the two hard_sigmoid formulas")
        notes.append(
            f"Companion of {c.keras2_companion_of}: the same model, weights and probe, stored only as "
            "model_keras2.h5 (keras_version 2.11.0). In a tf.keras 2 file 'hard_sigmoid' means "
            "clip(0.2x + 0.5, 0, 1), so output_*.npy were computed by a Keras 3 twin with that "
            f"function (they differ from the Keras 3 outputs of {c.keras2_companion_of} by up to "
            f"{delta:.3g}). model.keras/model.h5 are not written here: they would mean the Keras 3 formula.")
    else:
        try:
            outputs = predict_reference(model, batches)
        except (tf.errors.UnimplementedError, tf.errors.InvalidArgumentError) as e:
            if c.twin is None:
                raise
            can_run_native = False
            lines = [l.strip() for l in str(e).splitlines() if l.strip()]
            err = next((l for l in lines if "NHWC" in l or "NCHW" in l), lines[-1] if lines else "")
            reference = {"method": "channels_last_twin", "native_error": f"{type(e).__name__}: {err[:300]}"}
            outputs = None
        if c.twin is not None:
            twin = c.twin()  # no reset: names do not matter, the weights are copied
            twin.set_weights(model.get_weights())
            tb = [[to_channels_last(a) for a in b] for b in batches]
            touts = [[to_channels_first(a) for a in o] for o in predict_reference(twin, tb)]
            if outputs is None:
                outputs = touts
                reference["detail"] = (
                    "Keras could not run the channels_first model here; outputs come from the "
                    "channels_last twin (same weights) on transposed inputs, transposed back")
                notes.append("channels_first could not run natively in this TF build: " + reference["native_error"]
                             + "; output_*.npy come from the channels_last twin (same weights, transposed "
                               "input, output transposed back).")
            else:
                diff = max(common.max_abs_diff(a, b) for o1, o2 in zip(outputs, touts) for a, b in zip(o1, o2))
                if diff > ATOL:
                    raise AssertionError(f"{c.name}: channels_first differs from the channels_last twin by {diff}")
                reference["channels_last_twin_max_abs_diff"] = diff
                notes.append(
                    "channels_first ran natively in Keras (TF_ENABLE_ONEDNN_OPTS="
                    f"{os.environ.get('TF_ENABLE_ONEDNN_OPTS')}: oneDNN CPU kernels accept NCHW; stock TF "
                    "CPU kernels reject NCHW conv). Cross-checked against a channels_last twin with the same "
                    f"weights on transposed inputs: max abs diff {diff:.3g}.")

    d = common.fresh_dir(out_root / c.name)
    formats = []
    verification = {}

    # ---- Keras 3 files ----
    if not companion:
        model.save(d / "model.keras")
        formats.append("model.keras")
        if c.h5 is True:
            model.save(d / "model.h5")
            formats.append("model.h5")
        else:
            notes.append(f"No model.h5: {c.h5}")
        for f in formats:
            try:
                m = keras.models.load_model(d / f, compile=False)
            except Exception as e:  # noqa: BLE001 - recorded; verified another correct way
                if f != "model.h5":
                    raise
                err = f"{type(e).__name__}: {str(e).strip().splitlines()[0][:240]}"
                m = load_keras3_h5_keeping_axis(d / f)
                notes.append(
                    f"keras.models.load_model(model.h5) fails in Keras {keras.__version__} ({err}): its "
                    "legacy H5 loader (saving_utils.model_from_config) drops an 'axis' that is a list of "
                    "more than one axis, although model.h5 stores it correctly. model.h5 is exactly what "
                    "model.save wrote; it was verified by rebuilding its own model_config with the Keras 3 "
                    "serializer for the affected layers and loading its weights with Keras 3's legacy "
                    "weight loader.")
            if can_run_native:
                got = predict_check(m, batches)
                diff = max(common.max_abs_diff(a, b) for o1, o2 in zip(got, outputs) for a, b in zip(o1, o2))
                if diff > RELOAD_ATOL:
                    raise AssertionError(f"{c.name}: reloaded {f} differs by {diff}")
                verification[f] = diff
            else:
                wd = max(common.max_abs_diff(a, b) for a, b in zip(m.get_weights(), model.get_weights()))
                if wd != 0.0:
                    raise AssertionError(f"{c.name}: reloaded {f} weights differ by {wd}")
                verification[f + " (weights only)"] = wd

    # ---- tf.keras 2 file ----
    k2 = {"written": False}
    k2_allowed = c.keras2 is True and (not c.hard_sigmoid or companion)
    if not k2_allowed:
        k2["reason"] = (c.keras2 if isinstance(c.keras2, str) else
                        f"hard_sigmoid: clip(0.2x + 0.5, 0, 1) in tf.keras 2 but relu6(x + 3) / 6 in Keras 3; "
                        f"the tf.keras 2 file with Keras-2 expected outputs is the case {c.name}_keras2")
    else:
        try:
            keras2_h5.save_keras2_h5(model, d / "model_keras2.h5", first_layer_batch_input_shape=c.k2_bis,
                                     functional_class_name=c.k2_class, allow_hard_sigmoid=companion)
        except keras2_h5.Keras2Unsupported as e:
            k2["reason"] = str(e)
        else:
            formats.append("model_keras2.h5")
            is_seq = isinstance(model, keras.Sequential)
            k2.update({
                "written": True, "keras_version": keras2_h5.KERAS2_VERSION,
                "class_name": "Sequential" if is_seq else c.k2_class,
                "first_layer_batch_input_shape": bool(c.k2_bis),
                "hard_sigmoid_semantics": "tf.keras 2: clip(0.2x + 0.5, 0, 1)"
                if companion and c.k2_mask_twin is None else None,
            })
            if can_run_native and c.k2_mask_twin is not None:
                info = verify_keras2_into_twin(d / "model_keras2.h5", c.k2_mask_twin(), batches, outputs)
                k2["verification"] = info
                verification["model_keras2.h5"] = info["max_abs_diff"]
            elif can_run_native:
                info = keras2_h5.verify_keras2_h5(d / "model_keras2.h5", batches, outputs, atol=RELOAD_ATOL,
                                                  hard_sigmoid_keras2=companion)
                k2["verification"] = info
                verification["model_keras2.h5"] = info["max_abs_diff"]
            if not k2.get("hard_sigmoid_semantics"):
                k2.pop("hard_sigmoid_semantics")
    if not k2["written"]:
        notes.append(f"No model_keras2.h5: {k2['reason']}.")
    if companion and not k2["written"]:
        raise AssertionError(f"{c.name}: companion without model_keras2.h5")

    # ---- arrays + fixture.json ----
    save_arrays(d, "input", batches[0])
    save_arrays(d, "output", outputs[0])
    fixture = {
        "name": c.name,
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "layer": c.layer,
        "option": c.option,
        "model_class": "Sequential" if isinstance(model, keras.Sequential) else "Functional",
        "inputs": io_entries("input", batches[0], model.inputs),
        "outputs": io_entries("output", outputs[0], model.outputs),
    }
    if c.inputs2 is not None:
        save_arrays(d, "input2", batches[1])
        save_arrays(d, "output2", outputs[1])
        fixture["inputs2"] = io_entries("input2", batches[1], model.inputs)
        fixture["outputs2"] = io_entries("output2", outputs[1], model.outputs)
        fixture["second_probe"] = ["input", "input2"]
        notes.append(
            "Variable sizes: the model has None dimensions; the same loaded model predicts input_* "
            "(giving output_*) and then input2_*, of other sizes (giving output2_*).")
    if c.stateful:
        save_arrays(d, "input2", batches[1])
        save_arrays(d, "output2", outputs[1])
        fixture["inputs2"] = io_entries("input2", batches[1], model.inputs)
        fixture["outputs2"] = io_entries("output2", outputs[1], model.outputs)
        fixture["stateful_sequence"] = ["input", "input2"]
        notes.append(
            "Stateful: states are reset, then model.predict(input_*) gives output_*, then "
            "model.predict(input2_*) right after (no reset, batch_size = the fixed batch size) gives "
            "output2_*. The reload checks replay the same sequence.")
    fixture.update({
        "tolerance": {"atol": ATOL, "rtol": 0.0},
        "formats": formats,
        "stateful": bool(c.stateful),
        "keras2_h5": k2,
        "reference": reference,
        "verification_max_abs_diff": verification,
        "runtime": common.runtime_env(),
        "notes": " ".join(notes),
    })
    common.write_json(d / "fixture.json", fixture)
    dt = time.time() - t0
    reload_diff = max(verification.values()) if verification else None
    print(f"[layers/{c.name}] ok in {dt:.1f}s: {', '.join(formats)}; reload max diff {reload_diff}",
          flush=True)
    return {"case": c.name, "layer": c.layer, "option": c.option, "formats": formats,
            "reload_diff": reload_diff}


# ---------------------------------------------------------------------------
# Manifest (same commands as generate.sh)
# ---------------------------------------------------------------------------

MANIFEST_SH = r"""
set -euo pipefail
cd "$1"
find . -type f ! -path ./MANIFEST.sha256 ! -path ./MANIFEST.sha256.tmp -printf '%P\0' \
  | LC_ALL=C sort -z \
  | xargs -0 -r sha256sum >MANIFEST.sha256.tmp
mv MANIFEST.sha256.tmp MANIFEST.sha256
sha256sum --quiet -c MANIFEST.sha256
"""


def write_manifest(models_dir):
    """models/MANIFEST.sha256 exactly as generate.sh writes it (it has no reusable function)."""
    subprocess.run(["bash", "-c", MANIFEST_SH, "manifest", str(models_dir)], check=True)
    n = sum(1 for _ in open(Path(models_dir) / "MANIFEST.sha256"))
    print(f"MANIFEST.sha256: {n} files")


def du(path):
    total = 0
    for p in Path(path).rglob("*"):
        if p.is_file():
            total += p.stat().st_size
    return total


def print_table(rows):
    hdr = ("case", "layer", "option", "formats", "max reload diff")
    fmt_rows = []
    for r in rows:
        fm = ",".join({"model.keras": "keras", "model.h5": "h5", "model_keras2.h5": "keras2"}[f]
                      for f in r["formats"])
        opt = r["option"] if len(r["option"]) <= 60 else r["option"][:57] + "..."
        diff = "-" if r["reload_diff"] is None else f"{r['reload_diff']:.3g}"
        fmt_rows.append((r["case"], r["layer"], opt, fm, diff))
    widths = [max(len(h), *(len(x[i]) for x in fmt_rows)) for i, h in enumerate(hdr)]
    line = "  ".join(h.ljust(w) for h, w in zip(hdr, widths))
    print(line)
    print("  ".join("-" * w for w in widths))
    for x in fmt_rows:
        print("  ".join(v.ljust(w) for v, w in zip(x, widths)))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(HERE.parent / "models"), help="the models/ directory")
    ap.add_argument("--only", nargs="*", help="case names to (re)generate; other cases stay")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--no-seeds", action="store_true", help="do not write models/<seed>/model_keras2.h5")
    ap.add_argument("--no-manifest", action="store_true", help="do not rewrite models/MANIFEST.sha256")
    args = ap.parse_args(argv)

    if args.list:
        for c in CASES.values():
            print(f"{c.name:45s} {c.layer:24s} {c.option}")
        return
    out = Path(args.out).resolve()
    layers_dir = out / "layers"
    names = list(CASES)
    if args.only:
        unknown = set(args.only) - set(CASES)
        if unknown:
            ap.error(f"unknown case(s): {sorted(unknown)}")
        names = [n for n in names if n in args.only]
    elif layers_dir.exists():
        import shutil
        shutil.rmtree(layers_dir)  # full run: no stale case survives
    layers_dir.mkdir(parents=True, exist_ok=True)

    tf.config.experimental.enable_op_determinism()
    t_start = time.time()
    print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}; TF_ENABLE_ONEDNN_OPTS="
          f"{os.environ.get('TF_ENABLE_ONEDNN_OPTS')}; {len(names)} cases -> {layers_dir}", flush=True)
    rows = [make_case(CASES[n], layers_dir) for n in names]

    if not args.no_seeds:
        keras2_h5.convert_seed_models(out, log=lambda s: print(s, flush=True))
    if not args.no_manifest:
        write_manifest(out)
    print()
    print_table(rows)
    print(f"\n{len(rows)} cases in {time.time() - t_start:.1f}s; models/layers is "
          f"{du(layers_dir) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
