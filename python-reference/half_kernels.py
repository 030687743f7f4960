"""Half-precision references for both kinds of CPU kernels TensorFlow may use.

TensorFlow's CPU build runs float16 and bfloat16 ops through oneDNN only on CPUs with the
instructions for them (tensorflow/core/util/util.cc, IsDataTypeSupportedByOneDNNOnThisCPU):

    bfloat16: AVX512F or AVX-NE-CONVERT
    float16:  AVX512BW with AVX512-FP16 or AMX-FP16, or AVX-NE-CONVERT

and through Eigen otherwise. oneDNN fuses the bias and activation before the one rounding to
half precision, so Keras itself gives outputs that differ by half-precision ulps on the two kinds
of CPU. One stored output is therefore the reference for one kind only. For every fixture whose
model computes in float16 or bfloat16 this script stores both:

    eigen_output_<k>.npy    Keras with TF_ENABLE_ONEDNN_OPTS=0 (Eigen's kernels, as on a CPU
                            without oneDNN support for the dtype)
    onednn_output_<k>.npy   Keras with oneDNN on, on a CPU where oneDNN runs the dtype

and records them in the fixture's JSON as "half_kernels": {"dtype", "eigen": [...],
"onednn": [...], "outputs_are": "eigen" | "onednn"}. The tests (Fixtures.outputs(), Java)
pick the list by the same rule on the machine they run on (org.kerasbridge.graph.OneDnn).
Before writing, the script checks that the fixture's existing outputs equal one of the two
bit for bit: a fixture that neither kind of kernel reproduces is an error, not a third variant.

It must run on a CPU where oneDNN runs the fixture's dtype (else it cannot compute the oneDNN
variant, and says so). Each variant is computed in its own child process, because TensorFlow
reads TF_ENABLE_ONEDNN_OPTS once, when it loads.

    python half_kernels.py [--only REGEX]

Covers models/layers/*/fixture.json (predict(inputs, batch_size=len(inputs)), as
layer_fixtures.py computes its outputs) and models/corpus/*/keras_ref.json for files Keras loads
as-is (predict(inputs, batch_size=4), as corpus.py does).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
HALF = ("float16", "bfloat16")


def cpu_flags():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def onednn_runs(dtype, flags):
    """TensorFlow's rule (util.cc); mirrored in Java by org.kerasbridge.graph.OneDnn."""
    if dtype == "bfloat16":
        return "avx512f" in flags or "avx_ne_convert" in flags
    if dtype == "float16":
        return (("avx512bw" in flags and ("avx512_fp16" in flags or "amx_fp16" in flags))
                or "avx_ne_convert" in flags)
    return dtype == "float32"


def model_file(kind, meta, d):
    if kind == "corpus":
        return d / meta["model_file"]
    for f in ("model.keras", "model.h5"):
        if (d / f).exists():
            return d / f
    return None


def mentions_half(path):
    """A cheap pre-filter: the model's config names a half-precision dtype somewhere."""
    if path is None or not path.exists():
        return False
    if path.suffix == ".keras":
        import zipfile
        with zipfile.ZipFile(path) as z:
            text = z.read("config.json").decode("utf-8")
    else:
        import h5py
        with h5py.File(path, "r") as h:
            text = h.attrs.get("model_config", "")
            text = text.decode("utf-8") if isinstance(text, bytes) else str(text)
    return any(f'"{t}"' in text for t in HALF + ("mixed_float16", "mixed_bfloat16"))


def candidates(only):
    out = []
    for kind, pattern in (("fixture", "layers/*/fixture.json"), ("corpus", "corpus/*/keras_ref.json")):
        for j in sorted(MODELS.glob(pattern)):
            if only and not re.search(only, str(j.parent.relative_to(MODELS))):
                continue
            meta = json.loads(j.read_text())
            if kind == "corpus" and (meta.get("expected") != "parity"
                                     or meta.get("reference_source") != "keras3-as-is"):
                continue
            if mentions_half(model_file(kind, meta, j.parent)):
                out.append((kind, j))
    return out


def child(listing, outdir):
    """Predicts every listed case in this process's oneDNN setting; writes outdir/<i>/k.npy."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np
    import keras
    cases = json.loads(Path(listing).read_text())
    report = {}
    for i, (kind, path) in enumerate(cases):
        d = Path(path).parent
        meta = json.loads(Path(path).read_text())
        batch = None if kind == "fixture" else 4
        inputs = [np.load(d / e["file"]) for e in meta["inputs"]]
        keras.backend.clear_session()
        model = keras.models.load_model(model_file(kind, meta, d), compile=False)
        dtypes = sorted({l.dtype_policy.compute_dtype for l in model._flatten_layers()
                         if getattr(l, "dtype_policy", None) is not None} & set(HALF))
        if not dtypes:
            continue
        if len(dtypes) > 1:
            raise SystemExit(f"{d}: layers compute in {dtypes}; one half dtype per model expected")
        outs = model.predict(inputs if len(inputs) > 1 else inputs[0],
                             batch_size=batch or len(inputs[0]), verbose=0)
        outs = keras.tree.flatten(outs)
        dyn = None
        if os.environ["TF_ENABLE_ONEDNN_OPTS"] == "1":
            # Keras's predict step traced with the batch dimension unknown, as in a Keras
            # SavedModel signature (and in KerasBridge's graph): Grappler fuses some float16 ops
            # for oneDNN only when it knows every shape (SimpleRNN's x.kernel + bias + h.rk), so
            # the two traces of one model can round differently. Both are Keras's outputs on
            # this machine; the second is kept when it differs.
            import tensorflow as tf
            specs = [tf.TensorSpec((None,) + a.shape[1:], tf.as_dtype(a.dtype)) for a in inputs]
            fn = tf.function(lambda *xs: model(list(xs) if len(xs) > 1 else xs[0], training=False),
                             input_signature=specs)
            b = batch or len(inputs[0])
            parts = [keras.tree.flatten(fn(*[a[j:j + b] for a in inputs]))
                     for j in range(0, len(inputs[0]), b)]
            dyn = [np.concatenate([np.asarray(p[k]) for p in parts]) for k in range(len(outs))]
            if all(np.array_equal(np.asarray(a).astype(np.float32), d.astype(np.float32))
                   for a, d in zip(outs, dyn)):
                dyn = None
        o = Path(outdir) / str(i)
        o.mkdir(parents=True)
        for k, a in enumerate(outs):
            if dyn is not None:
                np.save(o / f"{k}.batch_unknown.npy", dyn[k].astype(np.float32))
            # widened to float32 (exact for float16 and bfloat16; a bfloat16 .npy would not
            # load without ml_dtypes)
            np.save(o / f"{k}.npy", np.asarray(a).astype(np.float32))
        report[str(i)] = {"dtype": dtypes[0], "n": len(outs),
                          "half_outputs": [str(np.asarray(a).dtype) in HALF for a in outs],
                          "batch_unknown_differs": dyn is not None}
    (Path(outdir) / "report.json").write_text(json.dumps(report))


def run_child(cases, onednn, tmp):
    listing = Path(tmp) / "cases.json"
    listing.write_text(json.dumps([[k, str(p)] for k, p in cases]))
    out = Path(tmp) / ("onednn" if onednn else "eigen")
    env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS="1" if onednn else "0")
    subprocess.run([sys.executable, __file__, "--child", str(listing), str(out)], env=env,
                   check=True)
    return out, json.loads((out / "report.json").read_text())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", help="regex on the fixture's path under models/")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(*a.child)
        return
    import numpy as np
    cases = candidates(a.only)
    flags = cpu_flags()
    with tempfile.TemporaryDirectory() as tmp:
        eig_dir, eig = run_child(cases, False, tmp)
        one_dir, one = run_child(cases, True, tmp)
        written = 0
        for i, (kind, path) in enumerate(cases):
            if str(i) not in eig:
                continue
            d = path.parent
            name = d.relative_to(MODELS)
            dtype = eig[str(i)]["dtype"]
            if not onednn_runs(dtype, flags):
                raise SystemExit(f"{name}: this CPU runs {dtype} through Eigen even with oneDNN on, "
                                 "so the oneDNN variant cannot be computed here; run this script on "
                                 "a CPU with " + ("AVX512-FP16/AMX-FP16 or AVX-NE-CONVERT"
                                                  if dtype == "float16" else "AVX512F"))
            meta = json.loads(path.read_text())
            stored = [np.load(d / e["file"]) for e in meta["outputs"]]
            variants = {}
            for label, base in (("eigen", eig_dir), ("onednn", one_dir)):
                variants[label] = [np.load(base / str(i) / f"{k}.npy")
                                   for k in range(eig[str(i)]["n"])]
            tol = meta.get("tolerance", {})
            atol, rtol = tol.get("atol", 1e-5), tol.get("rtol", 0.0)
            half_out = eig[str(i)]["half_outputs"]

            def agrees(arrs):
                # half-precision outputs bit for bit; a float32 output (a mixed policy's float32
                # last layer) within the fixture's tolerance: TF_ENABLE_ONEDNN_OPTS=0 also moves
                # the float32 ops to Eigen, which a CPU without oneDNN float16 does not
                return len(arrs) == len(stored) and all(
                    x.shape == s.shape and (np.array_equal(x.astype(np.float32), s.astype(np.float32))
                                            if h else np.allclose(x, s, atol=atol, rtol=rtol))
                    for x, s, h in zip(arrs, stored, half_out))
            same = [label for label, arrs in variants.items() if agrees(arrs)]
            if not same:
                diffs = {label: max(float(np.max(np.abs(x.astype(np.float64) - s)))
                                    for x, s in zip(arrs, stored))
                         for label, arrs in variants.items()}
                raise SystemExit(f"{name}: the stored outputs equal neither kernel's; max abs "
                                 f"diffs {diffs}. Regenerate the fixture first.")
            entry = {"dtype": dtype,
                     "rule": "onednn when TensorFlow runs this dtype through oneDNN on the CPU "
                             "(org.kerasbridge.graph.OneDnn), else eigen",
                     "outputs_are": same[0] if len(same) == 1 else "both"}
            if len(same) == 1:
                # the stored outputs came from a real CPU of that kind: they stay its reference
                variants[same[0]] = stored
            for label, arrs in variants.items():
                files = []
                for k, (x, s) in enumerate(zip(arrs, stored)):
                    f = f"{label}_output_{k}.npy"
                    np.save(d / f, np.ascontiguousarray(x.astype(s.dtype)))
                    files.append({"file": f, "shape": list(s.shape), "dtype": str(s.dtype)})
                entry[label] = files
            if one[str(i)]["batch_unknown_differs"]:
                files = []
                for k, s in enumerate(stored):
                    x = np.load(one_dir / str(i) / f"{k}.batch_unknown.npy")
                    f = f"onednn_batch_unknown_output_{k}.npy"
                    np.save(d / f, np.ascontiguousarray(x.astype(s.dtype)))
                    files.append({"file": f, "shape": list(s.shape), "dtype": str(s.dtype)})
                entry["onednn_batch_unknown"] = files
                entry["onednn_batch_unknown_note"] = (
                    "Keras's outputs with oneDNN when its predict step is traced with the batch "
                    "dimension unknown (as in a SavedModel signature); Grappler's float16 fusions "
                    "differ from model.predict's trace here. A result equal to either is Keras's")
            meta["half_kernels"] = entry
            path.write_text(json.dumps(meta, indent=2 if kind == "fixture" else 1) + "\n")
            written += 1
            ndiff = sum(int(np.sum(x.astype(np.float32) != y.astype(np.float32)))
                        for x, y in zip(variants["eigen"], variants["onednn"]))
            print(f"{name}: {dtype}; stored outputs are {entry['outputs_are']}'s; "
                  f"{ndiff} elements differ between the kernels", flush=True)
        print(f"{written} fixtures with half-precision kernels written", flush=True)


if __name__ == "__main__":
    main()
