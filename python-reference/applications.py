"""Keras's own architectures (keras.applications), as a check on real-world model shapes.

    python applications.py OUT_DIR [NAME ...]

For each architecture (weights=None: random weights from a fixed seed, small inputs, 5 classes,
no classifier activation, so the logits are compared), writes OUT_DIR/NAME/model.keras and
model.h5, x.npy (two images, uniform 0..255) and y.npy (model.predict(x) in Keras), and
OUT_DIR/manifest.json listing them. ApplicationsParityTest (Java) runs this into target/ and
checks that KerasBridge reproduces every y.npy from both files. Nothing here is committed: the
files are tens of MB, and Keras makes them again in about a minute.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import keras  # noqa: E402

A = keras.applications
KW = dict(weights=None, classes=5, classifier_activation=None)
APPS = {
    "efficientnetb0": lambda: A.EfficientNetB0(input_shape=(64, 64, 3), **KW),
    "efficientnetv2b0": lambda: A.EfficientNetV2B0(input_shape=(64, 64, 3), **KW),
    "mobilenet": lambda: A.MobileNet(input_shape=(64, 64, 3), **KW),
    "mobilenetv2": lambda: A.MobileNetV2(input_shape=(64, 64, 3), **KW),
    "mobilenetv3small": lambda: A.MobileNetV3Small(input_shape=(64, 64, 3), **KW),
    "densenet121": lambda: A.DenseNet121(input_shape=(64, 64, 3), **KW),
    "nasnetmobile": lambda: A.NASNetMobile(input_shape=(64, 64, 3), **KW),
    "resnet50v2": lambda: A.ResNet50V2(input_shape=(64, 64, 3), **KW),
    "inceptionv3": lambda: A.InceptionV3(input_shape=(75, 75, 3), **KW),
    "xception": lambda: A.Xception(input_shape=(71, 71, 3), **KW),
    "convnexttiny": lambda: A.ConvNeXtTiny(input_shape=(64, 64, 3), **KW),
    "vgg16": lambda: A.VGG16(input_shape=(32, 32, 3), **KW),
}


def main():
    out = sys.argv[1]
    names = sys.argv[2:] or list(APPS)
    entries = []
    for n in names:
        keras.utils.set_random_seed(1)
        m = APPS[n]()
        d = os.path.join(out, n)
        os.makedirs(d, exist_ok=True)
        x = np.random.RandomState(0).uniform(0, 255, (2,) + tuple(m.input_shape[1:]))
        x = x.astype(np.float32)
        y = np.asarray(m.predict(x, verbose=0)).astype(np.float32)
        np.save(os.path.join(d, "x.npy"), x)
        np.save(os.path.join(d, "y.npy"), y)
        m.save(os.path.join(d, "model.keras"))
        m.save(os.path.join(d, "model.h5"))
        entries.append({"name": n, "params": int(m.count_params()),
                        "files": ["model.keras", "model.h5"]})
        print(f"{n}: {m.count_params()} parameters", flush=True)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump({"keras_version": keras.__version__, "applications": entries}, f, indent=1)


if __name__ == "__main__":
    main()
