package org.kerasbridge.tutorials;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.kerasbridge.data.Mnist;
import org.kerasbridge.data.Preprocess;
import org.kerasbridge.data.Preprocess.Layout;
import org.kerasbridge.model.FitOptions;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.viz.ImageGrid;

/**
 * {@code denoising}: the Keras blog's denoising autoencoder on the deep autoencoder of {@link
 * DeepAutoencoder}: inputs with Gaussian noise ({@code noise_factor = 0.5}, clipped to [0, 1]),
 * clean targets, 5 epochs of batch 128, validated on noisy test digits against clean ones.
 * Writes {@code denoising.png}: original, noisy and denoised test digits.
 */
public final class DenoisingAutoencoder {
  private DenoisingAutoencoder() {}

  public static ObjectNode run(TutorialRun run) {
    Mnist.Data mnist = run.mnist();
    NpyArray xTrain = Preprocess.scaleImages(mnist.xTrain(), Layout.FLAT);
    NpyArray xTest = Preprocess.scaleImages(mnist.xTest(), Layout.FLAT);

    // noise_factor = 0.5
    // x_train_noisy = x_train + noise_factor * np.random.normal(loc=0.0, scale=1.0, ...)
    // x_train_noisy = np.clip(x_train_noisy, 0., 1.)
    double noiseFactor = 0.5;
    NpyArray xTrainNoisy = Preprocess.addGaussianNoise(xTrain, noiseFactor, run.seed(), 0f, 1f);
    NpyArray xTestNoisy = Preprocess.addGaussianNoise(xTest, noiseFactor, run.seed() + 1, 0f, 1f);

    try (KerasModel autoencoder = DeepAutoencoder.build(run, 0)) {
      // autoencoder.fit(x_train_noisy, x_train, epochs=5, batch_size=128, shuffle=True,
      //                 validation_data=(x_test_noisy, x_test))
      int batchSize = run.batchSize(128);
      TrainingCurve curve = TrainingCurve.forFit(run, xTrain.shape()[0], batchSize);
      autoencoder.fit(List.of(xTrainNoisy), List.of(xTrain), FitOptions.defaults()
          .setEpochs(run.epochs(5)).setBatchSize(batchSize).optSeed(run.seed())
          .optValidationData(List.of(xTestNoisy), List.of(xTest)).addCallback(curve));

      // decoded_imgs = autoencoder.predict(x_test_noisy)
      NpyArray decodedImgs = autoencoder.predict(List.of(xTestNoisy), 256).get(0);
      double testLoss = autoencoder.evaluate(List.of(xTestNoisy), List.of(xTest), 256)
          .get("loss");
      run.log("test loss (noisy inputs, clean targets): %.4f", testLoss);

      ImageGrid.titled("Denoising autoencoder").row("original", xTest).row("noisy", xTestNoisy)
          .row("denoised", decodedImgs).write(run.file("denoising.png"));
      curve.write("Denoising autoencoder: binary crossentropy");
      return run.result().put("test_loss", testLoss);
    }
  }
}
