"""The Python half of bench/run.sh (Java half: src/test/java/org/kerasbridge/bench/Bench.java).

Each command prints one JSON line, like the Java side:
  prep MODEL DATA_DIR ROWS [SEQ_LEN]      write DATA_DIR/x.npy, y.npy (same data for both sides)
  fit MODEL DATA_DIR BATCH SECONDS DEVICE
  predict MODEL DATA_DIR SECONDS CALLS DEVICE   model.predict and model(x)
  load MODEL DATA_DIR DEVICE
  lstm DATA_DIR SEQ_LEN MODEL_OUT          write an LSTM model for the sequence-length scaling
"""
import json
import os
import resource
import sys
import time

import numpy as np

DEVICE = sys.argv[-1] if sys.argv[1] in ("fit", "predict", "load") else "cpu"
if DEVICE == "cpu":
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

_t0 = time.perf_counter()
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
RUNTIME_START_MS = (time.perf_counter() - _t0) * 1e3


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def emit(**kw):
    kw["side"] = "keras"
    print(json.dumps(kw, sort_keys=True))


def input_shape(model):
    return tuple(model.inputs[0].shape[1:])


def prep(model_path, data_dir, rows):
    rows = int(rows)
    m = keras.models.load_model(model_path)
    rng = np.random.default_rng(0)
    shape = (rows,) + input_shape(m)
    x = rng.random(shape, dtype=np.float32)
    fixed = m.inputs[0].shape[0]
    x2 = rng.random(shape, dtype=np.float32)
    y = m.predict(x2, batch_size=fixed or 128, verbose=0).astype(np.float32)
    if hasattr(m, "reset_states"):
        try:
            m.reset_states()
        except Exception:  # noqa: BLE001 - only stateful layers have state to reset
            pass
    os.makedirs(data_dir, exist_ok=True)
    np.save(os.path.join(data_dir, "x.npy"), x)
    np.save(os.path.join(data_dir, "y.npy"), y)
    print(json.dumps({"prep": model_path, "x": list(x.shape), "y": list(y.shape)}))


def lstm(data_dir, seq_len, out):
    """An LSTM regressor (32 units) over SEQ_LEN steps of 8 features, compiled with Adam/mse."""
    seq_len = int(seq_len)
    keras.utils.set_random_seed(0)
    m = keras.Sequential([keras.Input((seq_len, 8)), keras.layers.LSTM(32), keras.layers.Dense(1)])
    m.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="mse")
    m.save(out)
    print(json.dumps({"lstm": out, "seq_len": seq_len}))


def fit(model_path, data_dir, batch, seconds, device):
    batch, seconds = int(batch), float(seconds)
    x = np.load(os.path.join(data_dir, "x.npy"))
    y = np.load(os.path.join(data_dir, "y.npy"))
    m = keras.models.load_model(model_path)
    steps_per_epoch = -(-len(x) // batch)
    m.fit(x, y, batch_size=batch, epochs=1, shuffle=False, verbose=0)
    t0 = time.perf_counter()
    m.fit(x, y, batch_size=batch, epochs=1, shuffle=False, verbose=0)
    warm = time.perf_counter() - t0
    epochs = max(1, int(np.ceil(seconds / max(warm, 1e-3))))
    # repeat until at least SECONDS have passed (the estimate above can be off under load)
    steps, t0, c0 = 0, time.perf_counter(), time.process_time()
    while True:
        m.fit(x, y, batch_size=batch, epochs=epochs, shuffle=False, verbose=0)
        steps += epochs * steps_per_epoch
        s = time.perf_counter() - t0
        if s >= seconds:
            break
    cpu = time.process_time() - c0  # all threads of the process: robust to other processes' load
    emit(kind="fit", model=model_path, batch=batch, steps=steps, seconds=s,
         steps_per_second=steps / s, cpu_seconds=cpu, steps_per_cpu_second=steps / cpu,
         peak_rss_mb=peak_rss_mb(), device=device,
         jit_compile=str(getattr(m, "jit_compile", None)))


def rows_cycled(x, rows):
    return np.resize(x, (rows,) + x.shape[1:])


def throughput(fn, rows, seconds):
    for _ in range(5):
        fn()
    n = 0
    t0 = time.perf_counter()
    end = t0 + seconds
    while True:
        fn()
        n += 1
        t = time.perf_counter()
        if t >= end:
            break
    return n * rows / (t - t0)


def latency(fn, calls):
    for _ in range(50):
        fn()
    ms = []
    for _ in range(calls):
        t0 = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1e3)
    ms.sort()
    return ms[int(0.50 * (calls - 1))], ms[int(np.ceil(0.99 * (calls - 1)))]


def predict(model_path, data_dir, seconds, calls, device):
    seconds, calls = float(seconds), int(calls)
    x = np.load(os.path.join(data_dir, "x.npy"))
    m = keras.models.load_model(model_path)
    x128, x1 = rows_cycled(x, 128), x[:1]
    thr = throughput(lambda: m.predict(x128, batch_size=128, verbose=0), 128, seconds)
    p50, p99 = latency(lambda: m.predict(x1, verbose=0), calls)
    emit(kind="predict", model=model_path, samples_per_second=thr, p50_ms=p50, p99_ms=p99,
         calls=calls, peak_rss_mb=peak_rss_mb(), device=device)
    t128, t1 = tf.constant(x128), tf.constant(x1)
    thr = throughput(lambda: np.asarray(m(t128, training=False)), 128, seconds)
    p50, p99 = latency(lambda: np.asarray(m(t1, training=False)), calls)
    emit(kind="call", model=model_path, samples_per_second=thr, p50_ms=p50, p99_ms=p99,
         calls=calls, peak_rss_mb=peak_rss_mb(), device=device)


def load(model_path, data_dir, device):
    x1 = np.load(os.path.join(data_dir, "x.npy"))[:1]
    t0 = time.perf_counter()
    m = keras.models.load_model(model_path)
    m.predict(x1, verbose=0)
    emit(kind="load", model=model_path, ms=(time.perf_counter() - t0) * 1e3,
         runtime_start_ms=RUNTIME_START_MS,
         peak_rss_mb=peak_rss_mb(), device=device)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"prep": prep, "fit": fit, "predict": predict, "load": load, "lstm": lstm}[cmd](*args)
