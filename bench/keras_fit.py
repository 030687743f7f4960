"""The Python half of bench/run.sh: Keras fit on real MNIST for a fixed number of steps.

Usage: keras_fit.py MODEL.keras LAYOUT BATCH STEPS WARMUP   (LAYOUT: flat | nhwc)
Prints one JSON line with steps per second, like org.kerasbridge.bench.FitBenchmark.
"""
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "python-reference"))

import keras  # noqa: E402
import numpy as np  # noqa: E402

import mnist  # noqa: E402


def main(model_path, layout, batch, steps, warmup):
    batch, steps, warmup = int(batch), int(steps), int(warmup)
    (x_train, y_train), _ = mnist.load_data()
    n = batch * (steps + warmup)
    x = x_train[:n].astype("float32") / 255.0
    x = x.reshape(n, 28, 28, 1) if layout == "nhwc" else x.reshape(n, 784)
    y = keras.utils.to_categorical(y_train[:n], 10).astype("float32")
    model = keras.models.load_model(model_path)
    wb = batch * warmup
    model.fit(x[:wb], y[:wb], batch_size=batch, epochs=1, shuffle=False, verbose=0)
    t0 = time.perf_counter()
    model.fit(x[wb:], y[wb:], batch_size=batch, epochs=1, shuffle=False, verbose=0)
    seconds = time.perf_counter() - t0
    print(json.dumps({"side": "keras", "model": model_path, "batch": batch, "steps": steps,
                      "seconds": round(seconds, 3), "steps_per_second": round(steps / seconds, 3)}))


if __name__ == "__main__":
    main(*sys.argv[1:6])
