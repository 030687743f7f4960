package org.kerasbridge.examples;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.builder.KTensor;
import org.kerasbridge.builder.Layers;
import org.kerasbridge.builder.ModelBuilder;
import org.kerasbridge.data.Mnist;
import org.kerasbridge.data.Preprocess;
import org.kerasbridge.data.Preprocess.Layout;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.ModelWriters;
import org.kerasbridge.losses.Losses;
import org.kerasbridge.model.FitOptions;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.model.ProgressSink;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.optimizers.Optimizers;

/**
 * Example 2: the Keras blog's denoising autoencoder ("Building Autoencoders in Keras"), built with
 * the builder API, trained on noisy MNIST digits to reproduce the clean ones, and saved as a
 * {@code .keras} file that Python Keras can load.
 *
 * <pre>
 * java ... org.kerasbridge.examples.DenoisingAutoencoder [--mnist DIR] [--limit N] [--epochs E]
 *     [--out denoising.keras]
 * </pre>
 *
 * MNIST comes from {@code --mnist DIR} (the four IDX files), else {@code $MNIST_DIR}, Keras's
 * cache, or a verified download. Checks: training lowers the test loss, and the saved file loads
 * back with the same predictions.
 */
public final class DenoisingAutoencoder {
  private DenoisingAutoencoder() {}

  public static void main(String[] args) {
    int limit = Check.intArg(args, "--limit", 60000);
    int epochs = Check.intArg(args, "--epochs", 5);
    Path out = Path.of(Check.arg(args, "--out", "denoising.keras"));
    String dir = Check.arg(args, "--mnist", null);
    Mnist.Data mnist = (dir != null ? Mnist.load(Path.of(dir)) : Mnist.load())
        .head(limit, Math.min(limit, 10000));

    // x_train = x_train.astype('float32') / 255., flattened to 784
    NpyArray xTrain = Preprocess.scaleImages(mnist.xTrain(), Layout.FLAT);
    NpyArray xTest = Preprocess.scaleImages(mnist.xTest(), Layout.FLAT);
    // x_noisy = clip(x + 0.5 * normal(0, 1), 0, 1)
    NpyArray xTrainNoisy = Preprocess.addGaussianNoise(xTrain, 0.5, 1, 0f, 1f);
    NpyArray xTestNoisy = Preprocess.addGaussianNoise(xTest, 0.5, 2, 0f, 1f);

    // input_img = keras.Input(shape=(784,))
    // encoded = layers.Dense(128, activation='relu')(input_img)
    // encoded = layers.Dense(32, activation='relu')(encoded)
    // decoded = layers.Dense(128, activation='relu')(encoded)
    // decoded = layers.Dense(784, activation='sigmoid')(decoded)
    ModelBuilder g = ModelBuilder.functional("denoising_autoencoder");
    KTensor input = g.input(Layers.input(784));
    KTensor encoded = Layers.dense(128).optActivation("relu").call(input);
    encoded = Layers.dense(32).optActivation("relu").optName("code").call(encoded);
    KTensor decoded = Layers.dense(128).optActivation("relu").call(encoded);
    decoded = Layers.dense(784).optActivation("sigmoid").call(decoded);

    try (KerasModel autoencoder = g.outputs(decoded).build(Device.CPU, 1337)) {
      // autoencoder.compile(optimizer='adam', loss='binary_crossentropy')
      autoencoder.compile(Optimizers.create("adam", 0.001),
          Losses.byName("binary_crossentropy", null));
      System.out.println(autoencoder.summary());
      double before = autoencoder.evaluate(List.of(xTestNoisy), List.of(xTest), 256).get("loss");

      // autoencoder.fit(x_train_noisy, x_train, epochs=5, batch_size=128, shuffle=True,
      //                 validation_data=(x_test_noisy, x_test))
      autoencoder.fit(List.of(xTrainNoisy), List.of(xTrain), FitOptions.defaults()
          .setEpochs(epochs).setBatchSize(128)
          .optValidationData(List.of(xTestNoisy), List.of(xTest))
          .optProgress(ProgressSink.console(System.out)));

      double after = autoencoder.evaluate(List.of(xTestNoisy), List.of(xTest), 256).get("loss");
      Check.that(after < before, String.format(Locale.ROOT,
          "training lowered the test loss (%.4f -> %.4f)", before, after));

      // autoencoder.save('denoising.keras')
      ModelWriters.write(autoencoder, out, ModelWriters.Format.KERAS, true);
      System.out.println("saved " + out.toAbsolutePath());
      NpyArray denoised = autoencoder.predict(List.of(xTestNoisy), 256).get(0);
      try (KerasModel reloaded = KerasBridge.loadKeras(out, Device.CPU)) {
        double diff = Check.maxAbsDiff(denoised, reloaded.predict(List.of(xTestNoisy), 256)
            .get(0));
        Check.that(diff <= 1e-6, String.format(Locale.ROOT,
            "%s reloads with the same predictions (max |diff| %.3g)", out, diff));
      }
    }
  }
}
