package org.kerasbridge.tutorials;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.kerasbridge.builder.KTensor;
import org.kerasbridge.builder.LayerSpec;
import org.kerasbridge.builder.Layers;
import org.kerasbridge.builder.ModelBuilder;
import org.kerasbridge.data.Mnist;
import org.kerasbridge.data.Preprocess;
import org.kerasbridge.data.Preprocess.Layout;
import org.kerasbridge.losses.Losses;
import org.kerasbridge.model.FitOptions;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.viz.ImageGrid;

/**
 * {@code deep-autoencoder}: the Keras blog's deep autoencoder as {@code
 * python-reference/models.py} defines it, 784 -> 128 -> 32 -> 128 -> 784 (relu, sigmoid output),
 * Adam, binary crossentropy, 5 epochs of batch 128, validated on the test set. Writes {@code
 * reconstructions.png}. The denoising and sparse tutorials reuse {@link #build}.
 */
public final class DeepAutoencoder {
  /** The name of the 32-unit code layer, for {@code predictLayers}. */
  static final String CODE = "code";

  private DeepAutoencoder() {}

  /**
   * The deep autoencoder, compiled; with {@code l1 > 0} the code layer gets {@code
   * activity_regularizer=regularizers.l1(l1)}.
   */
  static KerasModel build(TutorialRun run, double l1) {
    // input_img = keras.Input(shape=(784,))
    // encoded = layers.Dense(128, activation='relu')(input_img)
    // encoded = layers.Dense(32, activation='relu', activity_regularizer=l1(...))(encoded)
    // decoded = layers.Dense(128, activation='relu')(encoded)
    // decoded = layers.Dense(784, activation='sigmoid')(decoded)
    ModelBuilder g = ModelBuilder.functional("deep_autoencoder");
    KTensor inputImg = g.input(Layers.input(784));
    KTensor encoded = Layers.dense(128).optActivation("relu").call(inputImg);
    LayerSpec code = Layers.dense(32).optActivation("relu").optName(CODE);
    if (l1 > 0) {
      code.optActivityRegularizerL1(l1);
    }
    encoded = code.call(encoded);
    KTensor decoded = Layers.dense(128).optActivation("relu").call(encoded);
    decoded = Layers.dense(784).optActivation("sigmoid").call(decoded);
    KerasModel autoencoder = g.outputs(decoded).build(run.device(), run.seed());
    // autoencoder.compile(optimizer='adam', loss='binary_crossentropy')
    autoencoder.compile(Autoencoder.adam(), Losses.byName("binary_crossentropy", null));
    return autoencoder;
  }

  public static ObjectNode run(TutorialRun run) {
    // (x_train, _), (x_test, _) = mnist.load_data(); scaled to [0, 1], flattened to 784
    Mnist.Data mnist = run.mnist();
    NpyArray xTrain = Preprocess.scaleImages(mnist.xTrain(), Layout.FLAT);
    NpyArray xTest = Preprocess.scaleImages(mnist.xTest(), Layout.FLAT);

    try (KerasModel autoencoder = build(run, 0)) {
      // autoencoder.fit(x_train, x_train, epochs=5, batch_size=128, shuffle=True,
      //                 validation_data=(x_test, x_test))
      int batchSize = run.batchSize(128);
      TrainingCurve curve = TrainingCurve.forFit(run, xTrain.shape()[0], batchSize);
      autoencoder.fit(List.of(xTrain), List.of(xTrain), FitOptions.defaults()
          .setEpochs(run.epochs(5)).setBatchSize(batchSize).optSeed(run.seed())
          .optValidationData(List.of(xTest), List.of(xTest)).addCallback(curve));

      // decoded_imgs = autoencoder.predict(x_test)
      NpyArray decodedImgs = autoencoder.predict(List.of(xTest), 256).get(0);
      double testLoss = autoencoder.evaluate(List.of(xTest), List.of(xTest), 256).get("loss");
      run.log("test loss: %.4f", testLoss);

      ImageGrid.titled("Deep autoencoder 784-128-32-128-784").row("original", xTest)
          .row("reconstructed", decodedImgs).write(run.file("reconstructions.png"));
      curve.write("Deep autoencoder: binary crossentropy");
      return run.result().put("test_loss", testLoss);
    }
  }
}
