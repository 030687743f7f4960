package org.kerasbridge.tutorials;

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
import org.kerasbridge.model.History;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.viz.ScatterPlot;

/**
 * {@code autoencoder-2d}: an autoencoder with a 2-D code, 784-128-64-10-2 and its mirror with a
 * tanh output, on images scaled to [-0.5, 0.5], Adam, mse, 20 epochs of batch 256 (Morvan's
 * Keras tutorial "9 - Autoencoder example"; the article's final training loss is 0.0391). Writes
 * {@code latent.png}: the 2-D codes of the test digits, coloured by digit.
 */
public final class Autoencoder2D {
  private Autoencoder2D() {}

  public static ObjectNode run(TutorialRun run) {
    // (x_train, _), (x_test, y_test) = mnist.load_data()
    Mnist.Data mnist = run.mnist();
    // x_train = x_train.astype('float32') / 255. - 0.5; x_train.reshape((x_train.shape[0], -1))
    NpyArray xTrain = centered(Preprocess.scaleImages(mnist.xTrain(), Layout.FLAT));
    NpyArray xTest = centered(Preprocess.scaleImages(mnist.xTest(), Layout.FLAT));

    // encoding_dim = 2
    int encodingDim = 2;
    // input_img = Input(shape=(784,))
    ModelBuilder g = ModelBuilder.functional("autoencoder_2d");
    KTensor inputImg = g.input(Layers.input(784));
    // encoder layers
    KTensor encoded = Layers.dense(128).optActivation("relu").call(inputImg);
    encoded = Layers.dense(64).optActivation("relu").call(encoded);
    encoded = Layers.dense(10).optActivation("relu").call(encoded);
    KTensor encoderOutput = Layers.dense(encodingDim).optName("encoder_output").call(encoded);
    // decoder layers
    KTensor decoded = Layers.dense(10).optActivation("relu").call(encoderOutput);
    decoded = Layers.dense(64).optActivation("relu").call(decoded);
    decoded = Layers.dense(128).optActivation("relu").call(decoded);
    decoded = Layers.dense(784).optActivation("tanh").call(decoded);
    // autoencoder = Model(input=input_img, output=decoded)
    try (KerasModel autoencoder = g.outputs(decoded).build(run.device(), run.seed())) {

      // autoencoder.compile(optimizer='adam', loss='mse')
      autoencoder.compile(Autoencoder.adam(), Losses.byName("mse", null));

      // autoencoder.fit(x_train, x_train, epochs=20, batch_size=256, shuffle=True)
      int batchSize = run.batchSize(256);
      TrainingCurve curve = TrainingCurve.forFit(run, xTrain.shape()[0], batchSize);
      History history = autoencoder.fit(List.of(xTrain), List.of(xTrain), FitOptions.defaults()
          .setEpochs(run.epochs(20)).setBatchSize(batchSize).optShuffle(true)
          .optSeed(run.seed()).addCallback(curve));
      List<Double> loss = history.get("loss");
      double finalLoss = loss.get(loss.size() - 1);
      double testLoss = autoencoder.evaluate(List.of(xTest), List.of(xTest), 256).get("loss");
      run.log("final training loss: %.4f  test loss: %.4f", finalLoss, testLoss);

      // encoded_imgs = encoder.predict(x_test)
      NpyArray encodedImgs = autoencoder.predictLayers(List.of(xTest), 256, "encoder_output")
          .get(0);
      // plt.scatter(encoded_imgs[:, 0], encoded_imgs[:, 1], c=y_test)
      ScatterPlot.titled("2-D codes of the test digits").points(encodedImgs, mnist.yTest())
          .xLabel("code[0]").yLabel("code[1]").write(run.file("latent.png"), 800, 640);
      curve.write("2-D autoencoder: mse");
      return run.result().put("loss", finalLoss).put("test_loss", testLoss);
    }
  }

  /** {@code x - 0.5}, elementwise, in float32 as numpy computes it. */
  private static NpyArray centered(NpyArray x) {
    float[] v = x.toFloatArray();
    for (int i = 0; i < v.length; i++) {
      v[i] -= 0.5f;
    }
    return NpyArray.ofFloats(x.shape(), v);
  }
}
