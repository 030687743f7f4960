"""Builders for the KerasBridge seed models (Keras 3 API).

Each builder returns a freshly built *and compiled* model, written the way its
source article writes it, with every hyperparameter spelled out (Keras
defaults are written explicitly, e.g. Adam epsilon=1e-7).

Call ``keras.backend.clear_session()`` and ``keras.utils.set_random_seed()``
before a builder to get deterministic layer names and initial weights
(generate.py does this).

``SPECS`` records, per model, the batch size the source uses and how MNIST is
preprocessed for it; generate.py reads it.
"""

import keras
from keras import layers


def _adam(learning_rate):
    return keras.optimizers.Adam(
        learning_rate=learning_rate,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
    )


# ---------------------------------------------------------------------------
# Autoencoders (Keras blog "Building Autoencoders in Keras", functional API)
# ---------------------------------------------------------------------------

def ae_simple():
    """784 -> Dense(32, relu) -> Dense(784, sigmoid)."""
    encoding_dim = 32
    input_img = keras.Input(shape=(784,))
    encoded = layers.Dense(encoding_dim, activation="relu")(input_img)
    decoded = layers.Dense(784, activation="sigmoid")(encoded)
    autoencoder = keras.Model(input_img, decoded)
    autoencoder.compile(optimizer=_adam(0.001), loss="binary_crossentropy")
    return autoencoder


def _deep_autoencoder(code_activity_regularizer=None):
    input_img = keras.Input(shape=(784,))
    encoded = layers.Dense(128, activation="relu")(input_img)
    encoded = layers.Dense(
        32, activation="relu", activity_regularizer=code_activity_regularizer
    )(encoded)
    decoded = layers.Dense(128, activation="relu")(encoded)
    decoded = layers.Dense(784, activation="sigmoid")(decoded)
    autoencoder = keras.Model(input_img, decoded)
    autoencoder.compile(optimizer=_adam(0.001), loss="binary_crossentropy")
    return autoencoder


def ae_deep():
    """784 -> 128 relu -> 32 relu -> 128 relu -> 784 sigmoid."""
    return _deep_autoencoder()


def ae_denoising():
    """ae_deep architecture; trained on noisy inputs against clean targets."""
    return _deep_autoencoder()


def ae_sparse():
    """ae_deep with an L1 activity regularizer on the 32-unit code layer."""
    return _deep_autoencoder(code_activity_regularizer=keras.regularizers.l1(10e-6))


def ae_2d():
    """784-128-64-10-2-10-64-128-784 autoencoder with a 2-d linear code."""
    input_img = keras.Input(shape=(784,))
    x = layers.Dense(128, activation="relu")(input_img)
    x = layers.Dense(64, activation="relu")(x)
    x = layers.Dense(10, activation="relu")(x)
    code = layers.Dense(2, activation="linear")(x)
    x = layers.Dense(10, activation="relu")(code)
    x = layers.Dense(64, activation="relu")(x)
    x = layers.Dense(128, activation="relu")(x)
    decoded = layers.Dense(784, activation="tanh")(x)
    autoencoder = keras.Model(input_img, decoded)
    autoencoder.compile(optimizer=_adam(0.001), loss="mse")
    return autoencoder


# ---------------------------------------------------------------------------
# Convolutional classifiers
# ---------------------------------------------------------------------------

def mnist_cnn():
    """keras/examples/mnist_cnn.py (Sequential)."""
    num_classes = 10
    input_shape = (28, 28, 1)
    model = keras.Sequential()
    model.add(keras.Input(shape=input_shape))
    model.add(layers.Conv2D(32, kernel_size=(3, 3), activation="relu"))
    model.add(layers.Conv2D(64, (3, 3), activation="relu"))
    model.add(layers.MaxPooling2D(pool_size=(2, 2)))
    model.add(layers.Dropout(0.25))
    model.add(layers.Flatten())
    model.add(layers.Dense(128, activation="relu"))
    model.add(layers.Dropout(0.5))
    model.add(layers.Dense(num_classes, activation="softmax"))
    model.compile(
        loss=keras.losses.categorical_crossentropy,
        optimizer=keras.optimizers.Adadelta(learning_rate=1.0, rho=0.95, epsilon=1e-7),
        metrics=["accuracy"],
    )
    return model


def cnn_channels_first(data_format="channels_first"):
    """Two 5x5 conv/pool blocks in NCHW, Dense(1024), Dense(10).

    ``data_format="channels_last"`` builds the NHWC twin (input (28, 28, 1))
    that generate.py uses to cross-check the channels_first reference: all
    kernels have the same layout in both formats, and Flatten(channels_first)
    flattens in channels_last order, so the twin with the same weights must
    give the same outputs on transposed inputs.
    """
    cf = data_format == "channels_first"
    input_shape = (1, 28, 28) if cf else (28, 28, 1)
    model = keras.Sequential()
    model.add(keras.Input(shape=input_shape))
    model.add(layers.Conv2D(32, 5, padding="same", data_format=data_format))
    model.add(layers.Activation("relu"))
    model.add(layers.MaxPooling2D(pool_size=2, strides=2, padding="same", data_format=data_format))
    model.add(layers.Conv2D(64, 5, padding="same", data_format=data_format))
    model.add(layers.Activation("relu"))
    model.add(layers.MaxPooling2D(pool_size=2, strides=2, padding="same", data_format=data_format))
    model.add(layers.Flatten(data_format=data_format))
    model.add(layers.Dense(1024))
    model.add(layers.Activation("relu"))
    model.add(layers.Dense(10))
    model.add(layers.Activation("softmax"))
    model.compile(
        optimizer=_adam(1e-4),
        loss="categorical_crossentropy",
    )
    return model


# ---------------------------------------------------------------------------
# Recurrent models
# ---------------------------------------------------------------------------

def rnn_classifier():
    """MNIST rows as 28 time steps -> SimpleRNN(50, unroll=True) -> softmax."""
    model = keras.Sequential()
    model.add(keras.Input(shape=(28, 28)))
    model.add(layers.SimpleRNN(50, unroll=True))
    model.add(layers.Dense(10))
    model.add(layers.Activation("softmax"))
    model.compile(optimizer=_adam(0.001), loss="categorical_crossentropy")
    return model


LSTM_BATCH = 50
LSTM_STEPS = 20


def lstm_regressor():
    """Stateful LSTM mapping sin(t) windows to cos(t) windows."""
    model = keras.Sequential()
    model.add(keras.Input(batch_shape=(LSTM_BATCH, LSTM_STEPS, 1)))
    model.add(layers.LSTM(20, return_sequences=True, stateful=True))
    model.add(layers.TimeDistributed(layers.Dense(1)))
    model.compile(optimizer=_adam(0.006), loss="mse")
    return model


# ---------------------------------------------------------------------------
# Small dense models
# ---------------------------------------------------------------------------

def linear_regressor():
    """y = w*x + b fitted by plain SGD."""
    model = keras.Sequential()
    model.add(keras.Input(shape=(1,)))
    model.add(layers.Dense(1))
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.0, nesterov=False),
        loss="mse",
    )
    return model


def mlp_classifier():
    """784 -> Dense(32, relu) -> Dense(10, softmax), RMSprop."""
    model = keras.Sequential()
    model.add(keras.Input(shape=(784,)))
    model.add(layers.Dense(32, activation="relu"))
    model.add(layers.Dense(10, activation="softmax"))
    model.compile(
        optimizer=keras.optimizers.RMSprop(
            learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False
        ),
        loss="categorical_crossentropy",
    )
    return model


# name -> (builder, batch size used by the source, preprocessing key)
# Preprocessing keys are implemented in generate.py.
SPECS = {
    "ae_simple": (ae_simple, 256, "flat01"),
    "ae_deep": (ae_deep, 256, "flat01"),
    "ae_denoising": (ae_denoising, 256, "flat01_noisy"),
    "ae_sparse": (ae_sparse, 256, "flat01"),
    "ae_2d": (ae_2d, 256, "flat_centered"),
    "mnist_cnn": (mnist_cnn, 128, "nhwc01"),
    "cnn_channels_first": (cnn_channels_first, 64, "nchw01"),
    "rnn_classifier": (rnn_classifier, 50, "rows01"),
    "lstm_regressor": (lstm_regressor, LSTM_BATCH, "sin_cos"),
    "linear_regressor": (linear_regressor, 32, "linear"),
    "mlp_classifier": (mlp_classifier, 128, "flat01"),
}
