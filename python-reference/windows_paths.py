#!/usr/bin/env python3
"""Windows-style Keras weights files for the Java reader tests (WindowsPathsTest).

tf.keras 2.13-2.15 built weight paths with os.path.join, so on Windows model.weights.h5 holds
root groups literally named 'layers\\lstm\\cell' (with h5py's own '/vars' below) where Linux
writes nested groups. Each file here is models/layers/lstm/model.keras (Keras 3.15: an LSTM(3)
on (5, 2) inputs, weights at layers/lstm/cell/vars/0..2) with only model.weights.h5 rewritten;
every dataset and attribute is copied as it is, so the model must predict output_0.npy of
models/layers/lstm exactly.

  windows.keras      every object path joined with backslashes, as tf.keras on Windows wrote:
                     root groups 'layers\\lstm' and 'layers\\lstm\\cell', each holding vars
  mixed.keras        both separators at different depths: real groups layers/lstm/vars and,
                     inside the real group 'layers', a group named 'lstm\\cell' holding vars
  dotdot.keras       hostile: the cell's group named 'layers\\lstm\\..\\..\\..\\cell'
  absolute.keras     hostile: the cell's group named '\\layers\\lstm\\cell' (an empty first part)
  deep.keras         hostile: one root group whose name has 10,000 backslash-separated parts
  duplicate.keras    hostile: the cell's weights both at layers/lstm/cell and at the root group
                     'layers\\lstm\\cell' (two objects on one path)

Run: python-reference/.venv/bin/python python-reference/windows_paths.py
     (writes src/test/resources/io/windows_paths/)
"""
import io
import zipfile
from pathlib import Path

import h5py

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SRC = REPO / "models" / "layers" / "lstm" / "model.keras"
OUT = REPO / "src" / "test" / "resources" / "io" / "windows_paths"


def copy_attrs(src, dst):
    for k, v in src.attrs.items():
        dst.attrs[k] = v


def copy_vars(src_vars, dst_parent):
    """src_vars (an h5py group of datasets) copied as dst_parent/vars."""
    g = dst_parent.create_group("vars")
    copy_attrs(src_vars, g)
    for name, ds in src_vars.items():
        d = g.create_dataset(name, data=ds[()], dtype=ds.dtype)
        copy_attrs(ds, d)


def rewrite(name, build):
    """OUT/name: the source .keras with model.weights.h5 built by build(src, dst)."""
    z = zipfile.ZipFile(SRC)
    src = h5py.File(io.BytesIO(z.read("model.weights.h5")), "r")
    buf = io.BytesIO()
    with h5py.File(buf, "w") as dst:
        copy_attrs(src, dst)
        copy_vars(src["vars"], dst)
        build(src, dst)
    src.close()
    OUT.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(OUT / name, "w", zipfile.ZIP_STORED) as o:
        for n in z.namelist():
            o.writestr(n, buf.getvalue() if n == "model.weights.h5" else z.read(n))
    print(f"{OUT / name}: {len(buf.getvalue())} bytes of weights")


def windows(src, dst):
    copy_vars(src["layers/lstm/vars"], dst.create_group("layers\\lstm"))
    copy_vars(src["layers/lstm/cell/vars"], dst.create_group("layers\\lstm\\cell"))


def mixed(src, dst):
    copy_vars(src["layers/lstm/vars"], dst.create_group("layers/lstm"))
    copy_vars(src["layers/lstm/cell/vars"], dst["layers"].create_group("lstm\\cell"))


def cell_named(name):
    def build(src, dst):
        copy_vars(src["layers/lstm/vars"], dst.create_group("layers\\lstm"))
        copy_vars(src["layers/lstm/cell/vars"], dst.create_group(name))
    return build


def deep(src, dst):
    windows(src, dst)
    dst.create_group("\\".join(["g"] * 10_000))


def duplicate(src, dst):
    copy_vars(src["layers/lstm/vars"], dst.create_group("layers/lstm"))
    copy_vars(src["layers/lstm/cell/vars"], dst.create_group("layers/lstm/cell"))
    copy_vars(src["layers/lstm/cell/vars"], dst.create_group("layers\\lstm\\cell"))


if __name__ == "__main__":
    rewrite("windows.keras", windows)
    rewrite("mixed.keras", mixed)
    rewrite("dotdot.keras", cell_named("layers\\lstm\\..\\..\\..\\cell"))
    rewrite("absolute.keras", cell_named("\\layers\\lstm\\cell"))
    rewrite("deep.keras", deep)
    rewrite("duplicate.keras", duplicate)
