package org.kerasbridge.tutorials;

import static org.kerasbridge.tutorials.TutorialRun.kwargs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.kerasbridge.builder.KTensor;
import org.kerasbridge.builder.Layers;
import org.kerasbridge.builder.ModelBuilder;
import org.kerasbridge.data.Mnist;
import org.kerasbridge.data.Preprocess;
import org.kerasbridge.data.Preprocess.Layout;
import org.kerasbridge.losses.Losses;
import org.kerasbridge.model.FitOptions;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.optimizers.Adam;
import org.kerasbridge.viz.ImageGrid;

/**
 * {@code autoencoder}: the simplest autoencoder of the Keras blog's "Building Autoencoders in
 * Keras": 784 -> Dense(32, relu) -> Dense(784, sigmoid), Adam, binary crossentropy, 5 epochs of
 * batch 128, validated on the test set. Writes {@code reconstructions.png}: ten test digits on
 * top, their reconstructions below.
 */
public final class Autoencoder {
  private Autoencoder() {}

  public static ObjectNode run(TutorialRun run) {
    // (x_train, _), (x_test, _) = mnist.load_data()
    Mnist.Data mnist = run.mnist();
    // x_train = x_train.astype('float32') / 255.; x_train = x_train.reshape((len(x_train), 784))
    NpyArray xTrain = Preprocess.scaleImages(mnist.xTrain(), Layout.FLAT);
    NpyArray xTest = Preprocess.scaleImages(mnist.xTest(), Layout.FLAT);

    // encoding_dim = 32
    // input_img = keras.Input(shape=(784,))
    // encoded = layers.Dense(encoding_dim, activation='relu')(input_img)
    // decoded = layers.Dense(784, activation='sigmoid')(encoded)
    // autoencoder = keras.Model(input_img, decoded)
    int encodingDim = 32;
    ModelBuilder g = ModelBuilder.functional("autoencoder");
    KTensor inputImg = g.input(Layers.input(784));
    KTensor encoded = Layers.dense(encodingDim).optActivation("relu").optName("encoded")
        .call(inputImg);
    KTensor decoded = Layers.dense(784).optActivation("sigmoid").call(encoded);
    try (KerasModel autoencoder = g.outputs(decoded).build(run.device(), run.seed())) {

      // autoencoder.compile(optimizer='adam', loss='binary_crossentropy')
      autoencoder.compile(adam(), Losses.byName("binary_crossentropy", null));

      // autoencoder.fit(x_train, x_train, epochs=5, batch_size=128, shuffle=True,
      //                 validation_data=(x_test, x_test))
      int batchSize = run.batchSize(128);
      TrainingCurve curve = TrainingCurve.forFit(run, xTrain.shape()[0], batchSize);
      autoencoder.fit(List.of(xTrain), List.of(xTrain), FitOptions.defaults()
          .setEpochs(run.epochs(5)).setBatchSize(batchSize).optShuffle(true).optSeed(run.seed())
          .optValidationData(List.of(xTest), List.of(xTest)).addCallback(curve));

      // decoded_imgs = autoencoder.predict(x_test)
      NpyArray decodedImgs = autoencoder.predict(List.of(xTest), 256).get(0);
      double testLoss = autoencoder.evaluate(List.of(xTest), List.of(xTest), 256).get("loss");
      run.log("test loss: %.4f", testLoss);

      // plot ten digits: originals on top, reconstructions below
      ImageGrid.titled("Autoencoder 784-32-784").row("original", xTest)
          .row("reconstructed", decodedImgs).write(run.file("reconstructions.png"));
      curve.write("Autoencoder 784-32-784: binary crossentropy");
      return run.result().put("test_loss", testLoss);
    }
  }

  /** {@code Adam(learning_rate=0.001)} with Keras's other defaults written out. */
  static Adam adam() {
    return new Adam(kwargs("learning_rate", 0.001, "beta_1", 0.9, "beta_2", 0.999,
        "epsilon", 1e-7, "amsgrad", false));
  }
}
