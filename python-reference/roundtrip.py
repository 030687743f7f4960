"""Checks models that KerasBridge (Java) wrote, with Python Keras / TensorFlow.

One process checks everything a Java test wrote, so Keras and TensorFlow are imported once:

    python roundtrip.py MANIFEST.json REPORT.json

MANIFEST.json: {"cases": [case, ...]}, each case one of

  predict (the default kind): load what Java wrote and run it on probe inputs
    {"id": str, "format": "keras" | "h5" | "savedmodel", "path": str,
     "inputs": [npy path, ...], "expected": [npy path, ...],
     "input_names", "output_names": [str, ...]  (savedmodel: signature names, in model order),
     "atol": float, "rtol": float}
    .keras / .h5: keras.models.load_model(path, safe_mode=True) (compile config included), then
    one call model(inputs, training=False) -- the first call after loading, which is what
    matters for a stateful model. SavedModel: tf.saved_model.load(path), then
    signatures["serving_default"](**{input_name: x}); outputs matched by name.
    Passes when numpy.allclose(actual, expected, rtol, atol) holds for every output.

  train: a compiled model Java trained, saved with its optimizer state; resume training
    {"id": str, "kind": "train", "path": str, "x": npy, "y": npy,
     "expected_iterations": int, "expected_loss": float | null, "loss_atol": float,
     "train_step": bool (default true)}
    load_model (compiled from the file's compile_config, optimizer variables restored), check
    optimizer.iterations, then (unless train_step is false) train_on_batch(x, y) once: it must
    run, and when
    expected_loss is given its loss (computed before the update, as Keras reports it) must match
    Java's loss for the same next step.

  hdf5: an HDF5 file (KerasBridge's own HDF5 writer), read with h5py alone
    {"id": str, "kind": "hdf5", "path": str, "expected": {path: node, ...}}
    node = {"attrs": {name: str | [str, ...]}, "dtype": str, "shape": [int, ...],
            "values": [first values...]} (datasets) or {"attrs": {...}} (groups); the file's
    tree must be exactly that (every group and dataset, every attribute).

REPORT.json: {"versions": {...}, "results": [{"id", "ok", "max_abs_diff", "error"}, ...]}.
One line per case is also printed ("ok ID" / "FAIL ID: reason"). Exit code 0 when the report
was written, whatever the results (the Java test asserts on them).
"""

import json
import os
import sys
import time
import traceback
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402


def _load_keras(keras, path):
    return keras.models.load_model(path, safe_mode=True)


def _flatten(keras, out):
    return [np.asarray(o) for o in keras.tree.flatten(out)]


def _half_precision(model):
    """True when a layer computes in float16/bfloat16 (a mixed or half dtype policy)."""
    return any(getattr(getattr(l, "dtype_policy", None), "compute_dtype", "float32")
               in ("float16", "bfloat16") for l in model._flatten_layers())


def _has_class(model, name):
    return any(type(l).__name__ == name for l in model._flatten_layers())


def _integer_inputs(model):
    """True when a model input is an integer dtype (uint8 images, token ids)."""
    return any(str(getattr(t, "dtype", "float32")).startswith(("int", "uint"))
               for t in getattr(model, "inputs", None) or [])


def _call_keras(keras, model, xs):
    struct = getattr(model, "_inputs_struct", None)
    if isinstance(struct, dict):
        keys = sorted(struct.keys())
        arg = {k: x for k, x in zip(keys, xs)}
    elif len(xs) == 1 and not isinstance(struct, (list, tuple)):
        arg = xs[0]
    else:
        arg = list(xs)
    if _half_precision(model) or (_integer_inputs(model) and _has_class(model, "Resizing")):
        # Keras's predict step (a tf.function, Grappler-optimized) is the reference; an eager
        # call of a float16 model differs from it by float16 ulps (relu6(x + 3) / 6 in 1005 of
        # 4001 float16 values), and an eager call of Resizing on uint8 images returns float32
        # unrounded where the predict step rounds back to uint8, so such models are checked
        # through that step
        return [o.astype(np.float32) for o in _flatten(keras, model.predict_on_batch(arg))]
    return _flatten(keras, model(arg, training=False))


def check_predict(keras, tf, case):
    xs = [np.load(p) for p in case["inputs"]]
    expected = [np.load(p) for p in case["expected"]]
    if case["format"] == "savedmodel":
        loaded = tf.saved_model.load(case["path"])
        fn = loaded.signatures["serving_default"]
        spec = fn.structured_input_signature[1]
        feeds = {}
        for name, x in zip(case["input_names"], xs):
            if name not in spec:
                raise ValueError(f"signature has no input '{name}'; it has {sorted(spec)}")
            feeds[name] = tf.constant(x.astype(spec[name].dtype.as_numpy_dtype))
        out = fn(**feeds)
        missing = [n for n in case["output_names"] if n not in out]
        if missing:
            raise ValueError(f"signature has no output(s) {missing}; it has {sorted(out)}")
        actual = [np.asarray(out[n]) for n in case["output_names"]]
    else:
        model = _load_keras(keras, case["path"])
        actual = _call_keras(keras, model, xs)
    if len(actual) != len(expected):
        raise ValueError(f"{len(actual)} outputs, expected {len(expected)}")
    worst = 0.0
    problems = []
    for k, (a, e) in enumerate(zip(actual, expected)):
        if a.shape != e.shape:
            problems.append(f"output {k}: shape {a.shape}, expected {e.shape}")
            continue
        d = float(np.max(np.abs(a.astype(np.float64) - e.astype(np.float64)))) if a.size else 0.0
        worst = max(worst, d)
        if not np.allclose(a, e, rtol=case.get("rtol", 0.0), atol=case.get("atol", 1e-5)):
            problems.append(f"output {k}: max abs diff {d:.3g} > atol {case.get('atol', 1e-5)}")
    return worst, "; ".join(problems) or None


def check_train(keras, tf, case):
    model = _load_keras(keras, case["path"])
    if model.optimizer is None:
        raise ValueError("the model was loaded uncompiled (no compile_config?)")
    it = int(model.optimizer.iterations.numpy())
    if it != case["expected_iterations"]:
        raise ValueError(f"optimizer.iterations is {it}, expected {case['expected_iterations']}"
                         " (optimizer state not restored?)")
    if not case.get("train_step", True):
        return 0.0, None
    x = np.load(case["x"])
    y = np.load(case["y"])
    logs = model.train_on_batch(x, y, return_dict=True)
    loss = float(logs["loss"])
    if not np.isfinite(loss):
        raise ValueError(f"loss is {loss}")
    model.fit(x, y, batch_size=len(x), epochs=1, verbose=0, shuffle=False)
    exp = case.get("expected_loss")
    if exp is None:
        return 0.0, None
    d = abs(loss - exp)
    if d > case.get("loss_atol", 1e-5):
        return d, f"next-step loss {loss!r}, Java's {exp!r} (diff {d:.3g})"
    return d, None


def hdf5_tree(path):
    import h5py

    def attrs(o):
        out = {}
        for k, v in o.attrs.items():
            if isinstance(v, bytes):
                v = v.decode("utf-8")
            elif isinstance(v, np.ndarray):
                v = [x.decode("utf-8") if isinstance(x, bytes) else
                     (x if isinstance(x, str) else float(x)) for x in v.tolist()]
            out[k] = v
        return out

    tree = {}
    with h5py.File(path, "r") as f:
        tree["/"] = {"attrs": attrs(f)}

        def visit(name, o):
            node = {"attrs": attrs(o)}
            if isinstance(o, h5py.Dataset):
                node["dtype"] = o.dtype.str.lstrip("<>|=")
                node["shape"] = list(o.shape)
                node["values"] = np.asarray(o[()]).reshape(-1)[:10].tolist()
            tree["/" + name] = node
        f.visititems(visit)
    return tree


def check_hdf5(case):
    tree = hdf5_tree(case["path"])
    exp = case["expected"]
    problems = []
    for k in sorted(set(tree) | set(exp)):
        if tree.get(k) != exp.get(k):
            problems.append(f"{k}: h5py reads {str(tree.get(k))[:200]}, expected {str(exp.get(k))[:200]}")
    return 0.0, "; ".join(problems[:5]) or None


def main(argv):
    if len(argv) != 3:
        print(__doc__)
        return 2
    with open(argv[1]) as f:
        cases = json.load(f)["cases"]
    if all(c.get("kind") == "hdf5" for c in cases):
        keras = tf = None  # h5py alone: no need to pay for importing TensorFlow
    else:
        import keras
        import tensorflow as tf

    results = []
    start = time.time()
    for n, case in enumerate(cases):
        kind = case.get("kind", "predict")
        t0 = time.time()
        try:
            if keras is not None:
                # garbage collection costs ~0.2 s a call: collect only now and then
                keras.backend.clear_session(free_memory=(n % 100 == 99))
            if kind == "hdf5":
                diff, err = check_hdf5(case)
            elif kind == "train":
                diff, err = check_train(keras, tf, case)
            else:
                diff, err = check_predict(keras, tf, case)
        except Exception as e:  # noqa: BLE001 -- every failure is reported, none stops the run
            diff, err = None, f"{type(e).__name__}: {e}".strip()
            if os.environ.get("ROUNDTRIP_TRACEBACK"):
                traceback.print_exc()
        ok = err is None
        results.append({"id": case["id"], "ok": ok, "max_abs_diff": diff, "error": err,
                        "seconds": round(time.time() - t0, 3)})
        print(("ok   " if ok else "FAIL ") + case["id"] + ("" if ok else ": " + err.splitlines()[0]),
              flush=True)
    report = {
        "versions": {"keras": keras.__version__ if keras else None,
                     "tensorflow": tf.__version__ if tf else None, "numpy": np.__version__},
        "seconds": round(time.time() - start, 1),
        "results": results,
    }
    with open(argv[2], "w") as f:
        json.dump(report, f, indent=1)
    print(f"roundtrip.py: {sum(r['ok'] for r in results)}/{len(results)} ok"
          f" in {report['seconds']} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
