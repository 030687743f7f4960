"""Hostile HDF5 structures for the fuzz regression set (src/test/resources/fuzz-regressions/).

Each file is models/layers/dense (a Dense(4) on 5 inputs) with one structural edit that a
hand-written or hostile file could carry and that byte mutation rarely produces:

  hdf5_cyclic_hard_link.keras    layers/dense/loop is a hard link back to the root group
  hdf5_cyclic_soft_link.keras    layers/dense/a and layers/dense/b are soft links to each other
  hdf5_deep_nesting.keras        3,000 nested groups under layers/dense
  hdf5_absurd_dataset.keras      the kernel is a chunked (2^40, 4) float32 dataset (no data written)
  hdf5_absurd_dataset.h5         the same in a legacy .h5 (model_weights/.../kernel)
  hdf5_cyclic_hard_link.h5       model_weights/dense/loop links back to the root group
  h5_weight_name_2000_chars.h5   weight_names of model_weights/dense holds a name of 2,000
                                 characters (names are held to 1,024: issue 11)

and, from models/training/adam_cce/initial.keras (compiled, Adam):

  config_optimizer_name_1.8M_chars.keras   the optimizer's name is 1,800,000 characters (the fuzz
                                           finding of issue 11: it made the graph build crawl)

Run: python-reference/.venv/bin/python python-reference/hostile_h5.py OUT_DIR
"""
import io
import shutil
import sys
import zipfile

import h5py
import numpy as np

SRC = "models/layers/dense"


def keras_with(out, edit):
    z = zipfile.ZipFile(f"{SRC}/model.keras")
    buf = io.BytesIO(z.read("model.weights.h5"))
    with h5py.File(buf, "r+") as f:
        edit(f)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as o:
        for n in z.namelist():
            o.writestr(n, buf.getvalue() if n == "model.weights.h5" else z.read(n))


def h5_with(out, edit):
    shutil.copy(f"{SRC}/model.h5", out)
    with h5py.File(out, "r+") as f:
        edit(f)


def cyclic_hard(f):
    f["layers/dense/loop"] = f["/"]


def cyclic_soft(f):
    f["layers/dense/a"] = h5py.SoftLink("/layers/dense/b")
    f["layers/dense/b"] = h5py.SoftLink("/layers/dense/a")


def deep(f):
    g = f["layers/dense"]
    for i in range(3000):
        g = g.create_group("g")


def absurd(path):
    def edit(f):
        del f[path]
        f.create_dataset(path, shape=(2 ** 40, 4), dtype="<f4", chunks=(1, 4))
    return edit


def cyclic_hard_h5(f):
    f["model_weights/dense/loop"] = f["/"]


def long_weight_name(f):
    g = f["model_weights/dense"]
    g.attrs["weight_names"] = np.array(["sequential/dense/" + "k" * 1983,
                                        "sequential/dense/bias"], dtype=object)


def keras_config_with(src, out, edit):
    import json
    z = zipfile.ZipFile(src)
    cfg = json.loads(z.read("config.json"))
    edit(cfg)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as o:
        for n in z.namelist():
            o.writestr(n, json.dumps(cfg) if n == "config.json" else z.read(n))


def huge_optimizer_name(cfg):
    cfg["compile_config"]["optimizer"]["config"]["name"] = "a" * 1_800_000


if __name__ == "__main__":
    out = sys.argv[1]
    keras_with(f"{out}/hdf5_cyclic_hard_link.keras", cyclic_hard)
    keras_with(f"{out}/hdf5_cyclic_soft_link.keras", cyclic_soft)
    keras_with(f"{out}/hdf5_deep_nesting.keras", deep)
    keras_with(f"{out}/hdf5_absurd_dataset.keras", absurd("layers/dense/vars/0"))
    h5_with(f"{out}/hdf5_absurd_dataset.h5", absurd("model_weights/dense/sequential/dense/kernel"))
    h5_with(f"{out}/hdf5_cyclic_hard_link.h5", cyclic_hard_h5)
    h5_with(f"{out}/h5_weight_name_2000_chars.h5", long_weight_name)
    keras_config_with("models/training/adam_cce/initial.keras",
                      f"{out}/config_optimizer_name_1.8M_chars.keras", huge_optimizer_name)
