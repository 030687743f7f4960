"""Training-parity fixtures: models/training/NAME/.

Each fixture is a tiny model with seeded initial weights (no Dropout), saved
compiled and untrained, plus the data and what Keras computed while training
it with ``train_on_batch`` on consecutive slices:

  initial.keras, initial.h5   compiled, untrained model (saved before any step)
  x.npy, y.npy                float32 data, first axis = steps * batch_size
  sample_weight.npy           float32 (N,), only where training.json says so
  losses.npy                  float32 (steps,): value train_on_batch returned at
                              step i (loss of batch i with the weights before
                              step i, regularization losses included)
  after.npz                   every model variable after the last step, keyed by
                              Keras 3 ``variable.path``; stateful RNN states
                              (not Keras variables) under ``<layer path>/states/<i>``
  optimizer_after.npz         every optimizer variable, keyed by ``variable.path``
  training.json               see README.md

generate.py calls ``make(name, out_dir)``. Besides writing the files, ``make``
reloads initial.keras and initial.h5, replays the same steps and asserts the
same losses and final variables (the fixture is self-consistent and the saved
initial state is complete).
"""

import time
import zlib

import keras
import numpy as np
import tensorflow as tf
from keras import layers

import common
from common import f32, max_abs_diff

STEPS = 8
BATCH = 8
N = STEPS * BATCH
TOLERANCE = {"loss_rtol": 1e-5, "weights_atol": 1e-5, "weights_rtol": 1e-5}

opt = keras.optimizers
los = keras.losses


# ---------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------

def mlp(out_activation=None, hidden_activation="tanh", kernel_regularizer=None,
        activity_regularizer=None, out_units=3):
    """Dense 6 -> 8 -> out_units (functional API, so variable paths are 'dense/kernel')."""
    inp = keras.Input(shape=(6,))
    h = layers.Dense(8, activation=hidden_activation, kernel_regularizer=kernel_regularizer,
                     activity_regularizer=activity_regularizer)(inp)
    out = layers.Dense(out_units, activation=out_activation, kernel_regularizer=kernel_regularizer)(h)
    return keras.Model(inp, out)


def mlp_batchnorm():
    """Dense(8) -> BatchNormalization -> relu -> Dense(3, softmax)."""
    inp = keras.Input(shape=(6,))
    h = layers.Dense(8)(inp)
    h = layers.BatchNormalization()(h)
    h = layers.Activation("relu")(h)
    out = layers.Dense(3, activation="softmax")(h)
    return keras.Model(inp, out)


LSTM_T, LSTM_F = 5, 2


def stateful_lstm():
    """Input(batch_shape=(8, 5, 2)) -> LSTM(4, stateful=True) -> Dense(2)."""
    inp = keras.Input(batch_shape=(BATCH, LSTM_T, LSTM_F))
    h = layers.LSTM(4, stateful=True)(inp)
    out = layers.Dense(2)(h)
    return keras.Model(inp, out)


def seq2seq():
    """Keras's lstm_seq2seq: encoder LSTM(return_state) -> decoder LSTM(initial_state=[h, c])."""
    enc_in = keras.Input((None, 4), name="encoder_inputs")
    _, h, c = layers.LSTM(5, return_state=True, name="encoder")(enc_in)
    dec_in = keras.Input((None, 3), name="decoder_inputs")
    dec = layers.LSTM(5, return_sequences=True, name="decoder")(dec_in, initial_state=[h, c])
    return keras.Model([enc_in, dec_in], layers.Dense(3, activation="softmax", name="out")(dec))


def none_shape_conv():
    """Input((None, None, 1)) -> Conv2D -> MaxPooling2D -> Conv2D -> UpSampling2D -> Conv2D."""
    inp = keras.Input((None, None, 1))
    h = layers.Conv2D(4, 3, padding="same", activation="relu")(inp)
    h = layers.MaxPooling2D()(h)
    h = layers.Conv2D(3, 3, padding="same", activation="tanh")(h)
    h = layers.UpSampling2D()(h)
    return keras.Model(inp, layers.Conv2D(1, 3, padding="same")(h))


def _rng(name):
    return np.random.RandomState(common.SEED + zlib.crc32(name.encode()) % 100000)


def seq2seq_data(name):
    """Two phases of 4 steps: (encoder 6, decoder 5) steps, then (4, 7)."""
    rng = _rng(name)
    n = 4 * BATCH
    out = []
    for t_enc, t_dec in ((6, 5), (4, 7)):
        enc = rng.normal(0.0, 1.0, (n, t_enc, 4))
        dec = rng.normal(0.0, 1.0, (n, t_dec, 3))
        y = np.eye(3)[rng.randint(0, 3, (n, t_dec))]
        out.append(([f32(enc), f32(dec)], f32(y)))
    return out


def none_shape_conv_data(name):
    """Two phases of 4 steps: 8x8 images, then 12x16; the target is a smoothed image."""
    rng = _rng(name)
    n = 4 * BATCH
    out = []
    for hh, ww in ((8, 8), (12, 16)):
        x = rng.uniform(0.0, 1.0, (n, hh, ww, 1))
        y = 0.5 * x + 0.25 * np.roll(x, 1, axis=1) + 0.25 * np.roll(x, 1, axis=2)
        out.append(([f32(x)], f32(y)))
    return out


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------

def make_data(name, target, stateful=False, sample_weight=False):
    rng = np.random.RandomState(common.SEED + zlib.crc32(name.encode()) % 100000)
    if stateful:
        x = rng.normal(0.0, 1.0, (N, LSTM_T, LSTM_F))
    else:
        x = rng.normal(0.0, 1.0, (N, 6))
    if target == "regression":
        y = rng.normal(0.0, 1.0, (N, 3))
    elif target == "regression_wide":  # spans both branches of Huber (|err| < / > delta)
        y = rng.normal(0.0, 2.0, (N, 3))
    elif target == "regression2":
        y = rng.normal(0.0, 1.0, (N, 2))
    elif target == "binary":
        y = rng.randint(0, 2, (N, 3))
    elif target == "onehot":
        y = np.eye(3)[rng.randint(0, 3, N)]
    elif target == "sparse":
        y = rng.randint(0, 3, N)
    elif target == "distribution":
        z = rng.normal(0.0, 1.0, (N, 3))
        y = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    else:
        raise ValueError(target)
    sw = None
    if sample_weight:
        sw = rng.uniform(0.0, 2.0, N)
        sw[::5] = 0.0  # some zero weights
    return f32(x), f32(y), (f32(sw) if sw is not None else None)


# ---------------------------------------------------------------------------
# Fixture table
# ---------------------------------------------------------------------------
# name -> dict(model=callable, optimizer=callable, loss=callable, target=str,
#              sample_weight=bool, stateful=bool, clip=(kind, value) or None, desc=str)

def F(model, optimizer, loss, target, desc, sample_weight=False, stateful=False, clip=None,
      pretrain=0, data=None):
    """pretrain > 0: train that many steps (on the fixture's own first batches) before saving
    the initial files, so they carry optimizer state to resume from."""
    return dict(model=model, optimizer=optimizer, loss=loss, target=target, desc=desc,
                sample_weight=sample_weight, stateful=stateful, clip=clip, pretrain=pretrain,
                data=data)


def mlp_frozen_first():
    """mlp() with its first Dense frozen (trainable=False), as in fine-tuning."""
    model = mlp(out_activation="softmax")
    model.layers[1].trainable = False
    return model


FIXTURES = {
    "sgd_mse": F(
        lambda: mlp(), lambda: opt.SGD(learning_rate=0.1), lambda: los.MeanSquaredError(),
        "regression", "plain SGD, MSE"),
    "sgd_momentum_mse": F(
        lambda: mlp(), lambda: opt.SGD(learning_rate=0.05, momentum=0.9), lambda: los.MeanSquaredError(),
        "regression", "SGD with momentum 0.9, MSE"),
    "sgd_nesterov_mae": F(
        lambda: mlp(), lambda: opt.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
        lambda: los.MeanAbsoluteError(), "regression", "SGD Nesterov momentum, MAE"),
    "rmsprop_bce": F(
        lambda: mlp(out_activation="sigmoid"), lambda: opt.RMSprop(learning_rate=0.01),
        lambda: los.BinaryCrossentropy(), "binary", "plain RMSprop, sigmoid + binary crossentropy"),
    "rmsprop_centered_momentum_cce": F(
        lambda: mlp(out_activation="softmax"),
        lambda: opt.RMSprop(learning_rate=0.01, rho=0.9, momentum=0.5, centered=True),
        lambda: los.CategoricalCrossentropy(), "onehot",
        "centered RMSprop with momentum 0.5, softmax + categorical crossentropy"),
    "adam_cce": F(
        lambda: mlp(out_activation="softmax"), lambda: opt.Adam(learning_rate=0.01),
        lambda: los.CategoricalCrossentropy(), "onehot", "Adam, softmax + categorical crossentropy"),
    "adam_sparse_cce": F(
        lambda: mlp(out_activation="softmax"), lambda: opt.Adam(learning_rate=0.01),
        lambda: los.SparseCategoricalCrossentropy(), "sparse",
        "Adam, softmax + sparse categorical crossentropy (y.npy: class ids 0..2 stored as float32, shape (N,))"),
    "adam_amsgrad_huber": F(
        lambda: mlp(), lambda: opt.Adam(learning_rate=0.01, amsgrad=True), lambda: los.Huber(delta=1.0),
        "regression_wide", "Adam with amsgrad, Huber(delta=1)"),
    "adadelta_kld": F(
        lambda: mlp(out_activation="softmax"), lambda: opt.Adadelta(learning_rate=1.0),
        lambda: los.KLDivergence(), "distribution", "Adadelta(learning_rate=1.0), softmax + KL divergence"),
    "adamw_mse": F(
        lambda: mlp(), lambda: opt.AdamW(learning_rate=0.01, weight_decay=0.05),
        lambda: los.MeanSquaredError(), "regression", "AdamW (weight_decay 0.05), MSE"),
    "adagrad_mse": F(
        lambda: mlp(), lambda: opt.Adagrad(learning_rate=0.1), lambda: los.MeanSquaredError(),
        "regression", "Adagrad, MSE"),
    "sgd_clipnorm_mse": F(
        lambda: mlp(), lambda: opt.SGD(learning_rate=1.0, clipnorm=0.1), lambda: los.MeanSquaredError(),
        "regression", "SGD with clipnorm=0.1 (per-variable norm clipping)", clip=("clipnorm", 0.1)),
    "sgd_clipvalue_mse": F(
        lambda: mlp(), lambda: opt.SGD(learning_rate=0.5, clipvalue=0.02), lambda: los.MeanSquaredError(),
        "regression", "SGD with clipvalue=0.02 (element-wise clipping)", clip=("clipvalue", 0.02)),
    "adam_global_clipnorm_mse": F(
        lambda: mlp(), lambda: opt.Adam(learning_rate=0.01, global_clipnorm=0.1),
        lambda: los.MeanSquaredError(), "regression",
        "Adam with global_clipnorm=0.1 (clipping by the norm over all gradients)",
        clip=("global_clipnorm", 0.1)),
    "sgd_global_clipnorm_mse": F(
        lambda: mlp(), lambda: opt.SGD(learning_rate=1.0, global_clipnorm=0.1),
        lambda: los.MeanSquaredError(), "regression", "SGD with global_clipnorm=0.1",
        clip=("global_clipnorm", 0.1)),
    "sgd_inverse_time_decay_staircase_mse": F(
        lambda: mlp(),
        lambda: opt.SGD(learning_rate=opt.schedules.InverseTimeDecay(
            initial_learning_rate=0.2, decay_steps=3, decay_rate=0.5, staircase=True)),
        lambda: los.MeanSquaredError(), "regression",
        "SGD with InverseTimeDecay(0.2, decay_steps=3, decay_rate=0.5, staircase=True)"),
    "adam_piecewise_constant_decay_mse": F(
        lambda: mlp(),
        lambda: opt.Adam(learning_rate=opt.schedules.PiecewiseConstantDecay(
            boundaries=[2, 5], values=[0.02, 0.01, 0.005])),
        lambda: los.MeanSquaredError(), "regression",
        "Adam with PiecewiseConstantDecay(boundaries [2, 5], values [0.02, 0.01, 0.005])"),
    "rmsprop_cosine_decay_warmup_mse": F(
        lambda: mlp(),
        lambda: opt.RMSprop(learning_rate=opt.schedules.CosineDecay(
            initial_learning_rate=0.001, decay_steps=5, alpha=0.1, warmup_target=0.01,
            warmup_steps=3)),
        lambda: los.MeanSquaredError(), "regression",
        "RMSprop with CosineDecay(0.001, decay_steps=5, alpha=0.1, warmup_target=0.01, "
        "warmup_steps=3): linear warmup, then cosine decay, clamped at the end"),
    "sgd_exponential_decay_mse": F(
        lambda: mlp(),
        lambda: opt.SGD(learning_rate=opt.schedules.ExponentialDecay(
            initial_learning_rate=0.2, decay_steps=2, decay_rate=0.5, staircase=False)),
        lambda: los.MeanSquaredError(), "regression",
        "SGD with ExponentialDecay(0.2, decay_steps=2, decay_rate=0.5); lr at step i (0-based) = 0.2*0.5^(i/2)"),
    "adam_bce_from_logits": F(
        lambda: mlp(out_activation=None), lambda: opt.Adam(learning_rate=0.01),
        lambda: los.BinaryCrossentropy(from_logits=True), "binary",
        "Adam, linear output + BinaryCrossentropy(from_logits=True)"),
    "sgd_sample_weight_mse": F(
        lambda: mlp(), lambda: opt.SGD(learning_rate=0.1), lambda: los.MeanSquaredError(),
        "regression", "SGD, MSE with per-sample weights passed to train_on_batch "
        "(reduction sum_over_batch_size: sum(w_i * mse_i) / batch_size)", sample_weight=True),
    "adam_l2_kernel_regularizer_mse": F(
        lambda: mlp(kernel_regularizer=keras.regularizers.L2(0.01)), lambda: opt.Adam(learning_rate=0.01),
        lambda: los.MeanSquaredError(), "regression",
        "Adam, MSE, L2(0.01) kernel_regularizer on both Dense layers (loss includes 0.01*sum(k^2))"),
    "adam_l1_activity_regularizer_mse": F(
        lambda: mlp(activity_regularizer=keras.regularizers.L1(0.01)), lambda: opt.Adam(learning_rate=0.01),
        lambda: los.MeanSquaredError(), "regression",
        "Adam, MSE, L1(0.01) activity_regularizer on the hidden layer (Keras 3 adds "
        "0.01*sum(|h|)/batch_size to the loss)"),
    "sgd_momentum_batchnorm_cce": F(
        mlp_batchnorm, lambda: opt.SGD(learning_rate=0.1, momentum=0.9),
        lambda: los.CategoricalCrossentropy(), "onehot",
        "SGD momentum, Dense -> BatchNormalization (momentum 0.99, eps 1e-3) -> relu -> softmax; "
        "after.npz has moving_mean / moving_variance"),
    "adam_frozen_first_layer_cce": F(
        mlp_frozen_first, lambda: opt.Adam(learning_rate=0.01),
        lambda: los.CategoricalCrossentropy(), "onehot",
        "Adam, categorical crossentropy, first Dense frozen (trainable=False): it must not move "
        "and gets no optimizer slots"),
    "adam_resume_mse": F(
        lambda: mlp(), lambda: opt.Adam(learning_rate=0.01), lambda: los.MeanSquaredError(),
        "regression",
        "Adam, MSE, resumed: 3 steps trained before initial.keras was saved, so the file carries "
        "Adam's iteration count and slots; the 8 recorded steps continue from them. No initial.h5: "
        "Keras 3.15 cannot resume training from a legacy .h5 (its restored optimizer has no "
        "variables)", pretrain=3),
    "adam_stateful_lstm_mse": F(
        stateful_lstm, lambda: opt.Adam(learning_rate=0.01), lambda: los.MeanSquaredError(),
        "regression2",
        "Adam, MSE, stateful LSTM over 8 consecutive batches: states reset once before step 0 and "
        "carried across batches (no reset between steps); final states in after.npz as "
        "'<layer path>/states/0' (h) and '/states/1' (c)", stateful=True),
    "adam_seq2seq_initial_state_cce": F(
        seq2seq, lambda: opt.Adam(learning_rate=0.01), lambda: los.CategoricalCrossentropy(), None,
        "Adam, categorical crossentropy, Keras's lstm_seq2seq: encoder LSTM(return_state=True) -> decoder "
        "LSTM(initial_state=[h, c]) -> Dense(softmax); two inputs with None timesteps, trained on "
        "(encoder 6, decoder 5) steps for 4 batches, then (4, 7) for 4 batches", data=seq2seq_data),
    "sgd_momentum_none_shape_conv_mse": F(
        none_shape_conv, lambda: opt.SGD(learning_rate=0.1, momentum=0.9), lambda: los.MeanSquaredError(),
        None, "SGD momentum 0.9, MSE, fully-convolutional Input((None, None, 1)) autoencoder (Conv2D, "
        "MaxPooling2D, Conv2D, UpSampling2D, Conv2D) trained on 8x8 images for 4 batches, then 12x16 "
        "for 4 batches", data=none_shape_conv_data),
}



# ---------------------------------------------------------------------------

def build(spec):
    common.reset()
    model = spec["model"]()
    model.compile(optimizer=spec["optimizer"](), loss=spec["loss"]())
    return model


def _x(xs, sl):
    return xs[0][sl] if len(xs) == 1 else [a[sl] for a in xs]


def run_steps_n(model, phases, stateful, steps):
    """Trains `steps` steps on the first batches, discarding the losses (pretraining)."""
    xs, y, sw = phases[0]
    for i in range(steps):
        sl = slice(i * BATCH, (i + 1) * BATCH)
        model.train_on_batch(_x(xs, sl), y[sl], sample_weight=None if sw is None else sw[sl])


def run_steps(model, phases, stateful):
    """One train_on_batch per batch of each phase in turn (a phase: inputs of one size)."""
    if stateful:
        common.reset_rnn_states(model)
    losses = []
    for xs, y, sw in phases:
        for i in range(len(y) // BATCH):
            sl = slice(i * BATCH, (i + 1) * BATCH)
            loss = model.train_on_batch(_x(xs, sl), y[sl], sample_weight=None if sw is None else sw[sl])
            losses.append(float(loss))
    return np.asarray(losses, dtype=np.float32)


def variables_dict(model):
    out = {}
    for v in model.variables:
        if v.path in out:
            raise AssertionError(f"duplicate variable path {v.path}")
        out[v.path] = np.asarray(v.numpy())
    for key, v in common.rnn_state_variables(model):
        out[key] = np.asarray(v.numpy())
    return out


def optimizer_dict(model):
    out = {}
    for v in model.optimizer.variables:
        if v.path in out:
            raise AssertionError(f"duplicate optimizer variable path {v.path}")
        out[v.path] = np.asarray(v.numpy())
    return out


def first_step_gradients(model, phases):
    """Gradient statistics of step 0 (on a reloaded copy of the initial model)."""
    xs, y, sw = phases[0]
    xb, yb = _x(xs, slice(0, BATCH)), y[:BATCH]
    swb = None if sw is None else sw[:BATCH]
    with tf.GradientTape() as tape:
        pred = model(xb, training=True)
        loss = model.compute_loss(x=xb, y=yb, y_pred=pred, sample_weight=swb)
    grads = tape.gradient(loss, model.trainable_variables)
    norms = [float(tf.norm(g)) for g in grads]
    return {
        "loss": float(loss),
        "global_norm": float(np.sqrt(np.sum(np.square(norms)))),
        "per_variable_norm": {v.path: n for v, n in zip(model.trainable_variables, norms)},
        "max_abs": float(max(float(tf.reduce_max(tf.abs(g))) for g in grads)),
    }


def is_rng_state(path):
    """Keras SeedGenerator state (e.g. the LSTM's dropout RNG): int64 RNG
    bookkeeping, re-seeded randomly when a model is loaded, unused without
    dropout. Kept in after.npz but excluded from comparisons."""
    return path.endswith("seed_generator_state")


def compare_dicts(label, got, expected, atol, rtol):
    if set(got) != set(expected):
        raise AssertionError(f"{label}: keys differ: {sorted(set(got) ^ set(expected))}")
    worst = 0.0
    for k in expected:
        if is_rng_state(k):
            continue
        e, g = expected[k], got[k]
        if e.dtype.kind in "iu":
            if not np.array_equal(e, g):
                raise AssertionError(f"{label}: {k} differs")
            continue
        np.testing.assert_allclose(g, e, rtol=rtol, atol=atol, err_msg=f"{label}: {k}")
        worst = max(worst, max_abs_diff(g, e))
    return worst


def make(name, out_root):
    t0 = time.time()
    spec = FIXTURES[name]
    d = common.fresh_dir(out_root / name)
    if spec.get("data"):
        phases = [(xs, y, None) for xs, y in spec["data"](name)]
        x, y, sw = phases[0][0][0], phases[0][1], None
    else:
        x, y, sw = make_data(name, spec["target"], spec["stateful"], spec["sample_weight"])
        phases = [([x], y, sw)]

    model = build(spec)
    if spec.get("pretrain"):
        run_steps_n(model, phases, spec["stateful"], spec["pretrain"])
    loss_config = keras.losses.serialize(model.loss)
    optimizer_config = keras.optimizers.serialize(model.optimizer)
    variables = [{"path": v.path, "shape": list(v.shape), "dtype": str(v.dtype), "trainable": bool(v.trainable)}
                 for v in model.weights]
    weight_paths = {v["path"] for v in variables}
    other_variables = [{"path": v.path, "shape": list(v.shape), "dtype": str(v.dtype),
                        "rng_state": is_rng_state(v.path)}
                       for v in model.variables if v.path not in weight_paths]
    initial = variables_dict(model)

    # Save BEFORE any training (compiled, optimizer not built yet).
    model.save(d / "initial.keras")
    files = ["initial.keras"]
    if not spec.get("pretrain"):
        model.save(d / "initial.h5")
        files.append("initial.h5")
    phase_info = None
    if spec.get("data"):
        # several inputs or several input sizes: x<phase>_<input>.npy, y<phase>.npy
        phase_info = []
        for p, (xs, py, _) in enumerate(phases):
            entry = {"steps": len(py) // BATCH, "x": [], "y": f"y{p}.npy"}
            for i, a in enumerate(xs):
                np.save(d / f"x{p}_{i}.npy", a)
                entry["x"].append(f"x{p}_{i}.npy")
            np.save(d / f"y{p}.npy", py)
            files += entry["x"] + [entry["y"]]
            phase_info.append(entry)
    else:
        np.save(d / "x.npy", x)
        np.save(d / "y.npy", y)
        files += ["x.npy", "y.npy"]
    if sw is not None:
        np.save(d / "sample_weight.npy", sw)
        files.append("sample_weight.npy")

    losses = run_steps(model, phases, spec["stateful"])
    if not np.all(np.isfinite(losses)):
        raise AssertionError(f"{name}: non-finite loss {losses}")
    after = variables_dict(model)
    opt_after = optimizer_dict(model)
    moved = max(max_abs_diff(after[k], initial[k]) for k in initial
                if initial[k].dtype.kind == "f" and "/states/" not in k)
    if moved < 1e-3:
        raise AssertionError(f"{name}: variables barely moved ({moved}); fixture would not test much")
    np.save(d / "losses.npy", losses)
    np.savez(d / "after.npz", **after)
    np.savez(d / "optimizer_after.npz", **opt_after)
    files += ["losses.npy", "after.npz", "optimizer_after.npz", "training.json"]

    state_keys = [k for k, _ in common.rnn_state_variables(model)]

    # Replay from the saved files: same losses and same final state.
    # Each load runs in a fresh Keras session so auto-named variables (e.g. the
    # LSTM's seed_generator) get the same paths as in a fresh Java/Python process.
    replay = {}
    grad_stats = None
    for f in [f for f in ("initial.keras", "initial.h5") if f in files]:
        if grad_stats is None:
            keras.backend.clear_session()
            grad_stats = first_step_gradients(keras.models.load_model(d / f), phases)
        keras.backend.clear_session()
        m = keras.models.load_model(d / f)
        if f.endswith(".h5"):
            # Keras 3.15 legacy-H5 loading builds the restored optimizer with
            # model._trainable_variables (empty for a Functional model), so the
            # loaded model cannot train ("Unknown variable"). Recompile with a
            # fresh optimizer made from the H5's own optimizer and loss config.
            m.compile(optimizer=keras.optimizers.deserialize(keras.optimizers.serialize(m.optimizer)),
                      loss=m.loss)
        loaded_opt = keras.optimizers.serialize(m.optimizer)
        if loaded_opt["class_name"] != optimizer_config["class_name"]:
            raise AssertionError(f"{name}: {f} optimizer {loaded_opt['class_name']}")
        got_init = variables_dict(m)
        compare_dicts(f"{name} {f} initial", got_init, initial, 0.0, 0.0)
        got_losses = run_steps(m, phases, spec["stateful"])
        np.testing.assert_allclose(got_losses, losses, rtol=TOLERANCE["loss_rtol"], atol=0.0,
                                   err_msg=f"{name}: replay from {f}: losses")
        w = compare_dicts(f"{name} {f} after", variables_dict(m), after,
                          TOLERANCE["weights_atol"], TOLERANCE["weights_rtol"])
        o = compare_dicts(f"{name} {f} optimizer", optimizer_dict(m), opt_after,
                          TOLERANCE["weights_atol"], TOLERANCE["weights_rtol"])
        replay[f] = {"loss_max_abs_diff": max_abs_diff(got_losses, losses),
                     "variables_max_abs_diff": w, "optimizer_max_abs_diff": o}

    notes = []
    if any(v["rng_state"] for v in other_variables):
        notes.append("Variables marked rng_state are Keras SeedGenerator states (dropout RNG, unused "
                     "here); Keras re-seeds them randomly on load, so do not compare them.")
    if spec["clip"]:
        kind, value = spec["clip"]
        measured = {"clipnorm": max(grad_stats["per_variable_norm"].values()),
                    "clipvalue": grad_stats["max_abs"],
                    "global_clipnorm": grad_stats["global_norm"]}[kind]
        if measured <= value:
            raise AssertionError(f"{name}: {kind}={value} would not clip (step-0 gradient {measured})")
        notes.append(f"{kind}={value} is active: step-0 gradient measure {measured:.4g} > {value}.")

    info = {
        "name": name,
        "description": spec["desc"],
        "batch_size": BATCH,
        "steps": len(losses),
        "loss": loss_config,
        "optimizer": optimizer_config,
        "variables": variables,
        "other_variables": other_variables,
        "optimizer_variables": [{"path": k, "shape": list(v.shape), "dtype": str(v.dtype)}
                                for k, v in opt_after.items()],
        "state_variables": state_keys,
        "x": None if phase_info else {"file": "x.npy", "shape": list(x.shape), "dtype": "float32"},
        "y": None if phase_info else {"file": "y.npy", "shape": list(y.shape), "dtype": "float32"},
        # phases (several inputs or sizes): steps of each phase run in order, step i of a phase
        # on rows [i*batch, (i+1)*batch) of its x files (one per model input) and y file
        "phases": phase_info,
        "sample_weight": ({"file": "sample_weight.npy", "shape": list(sw.shape), "dtype": "float32"}
                          if sw is not None else None),
        "stateful": spec["stateful"],
        "pretrain_steps": spec.get("pretrain", 0),
        "step_rule": (f"step i trains on rows [i*{BATCH}, (i+1)*{BATCH}) with model.train_on_batch; "
                      "losses.npy[i] is its return value"
                      + ("; RNN states reset once before step 0, carried across steps" if spec["stateful"] else "")),
        "losses": [float(v) for v in losses],
        "first_step_gradients": grad_stats,
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "numpy_version": np.__version__,
        "tolerance": TOLERANCE,
        "files": files,
        "replay_check": replay,
        "runtime": common.runtime_env(),
        "notes": " ".join(notes),
    }
    common.write_json(d / "training.json", info)
    print(f"[training/{name}] ok in {time.time() - t0:.1f}s: losses {losses[0]:.5g} -> {losses[-1]:.5g}")
