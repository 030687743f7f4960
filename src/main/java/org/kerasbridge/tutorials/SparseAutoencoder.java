package org.kerasbridge.tutorials;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.kerasbridge.data.Mnist;
import org.kerasbridge.data.Preprocess;
import org.kerasbridge.data.Preprocess.Layout;
import org.kerasbridge.model.FitOptions;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.viz.Histogram;

/**
 * {@code sparse}: the Keras blog's sparsity constraint on the code, here on the deep autoencoder
 * of {@link DeepAutoencoder}: {@code activity_regularizer=regularizers.l1(10e-6)} on the 32-unit
 * code layer. Trains the standard and the sparse model the same way (5 epochs of batch 128) and
 * reports the mean code activation of each over the test set (the article: 6.6 vs 0.8). Writes
 * {@code code_histogram.png}, the distribution of the code activations of both models.
 *
 * <p>Keras 3 (like tf.keras 2) divides an activity penalty by the batch size; standalone Keras 2
 * did not, so there the same {@code l1(10e-6)} was {@code batch_size} (128) times stronger.
 * {@code --keras2-activity-penalty} multiplies the factor by the batch size to train with Keras
 * 2's objective (docs/tutorials.md compares the two).
 */
public final class SparseAutoencoder {
  private SparseAutoencoder() {}

  public static ObjectNode run(TutorialRun run) {
    Mnist.Data mnist = run.mnist();
    NpyArray xTrain = Preprocess.scaleImages(mnist.xTrain(), Layout.FLAT);
    NpyArray xTest = Preprocess.scaleImages(mnist.xTest(), Layout.FLAT);
    int epochs = run.epochs(5);
    int batchSize = run.batchSize(128);

    // encoded = layers.Dense(32, activation='relu',
    //                        activity_regularizer=regularizers.l1(10e-6))(encoded)
    double l1 = 10e-6;
    if (run.keras2ActivityPenalty()) {
      l1 *= batchSize;
    }
    Trained standard = train(run, "standard", 0, xTrain, xTest, epochs, batchSize);
    Trained sparse = train(run, "sparse", l1, xTrain, xTest, epochs, batchSize);

    // encoded_imgs.mean()
    double standardMean = mean(standard.codes());
    double sparseMean = mean(sparse.codes());
    run.log("mean code activation on the test set: standard %.3f, sparse %.3f", standardMean,
        sparseMean);

    Histogram.titled("Code activations on the test set").series("standard", standard.codes())
        .series(String.format(java.util.Locale.ROOT, "sparse, l1(%.3g)", l1), sparse.codes())
        .bins(60).xLabel("activation").yLabel("count")
        .write(run.file("code_histogram.png"), 900, 520);
    TrainingCurve.write("Standard and sparse deep autoencoders: loss", "standard",
        standard.curve(), "sparse", sparse.curve());
    return run.result().put("test_loss", sparse.testLoss())
        .put("test_loss_standard", standard.testLoss())
        .put("mean_code_standard", standardMean).put("mean_code_sparse", sparseMean)
        .put("l1", l1);
  }

  private record Trained(NpyArray codes, double testLoss, TrainingCurve curve) {}

  private static Trained train(TutorialRun run, String name, double l1, NpyArray xTrain,
      NpyArray xTest, int epochs, int batchSize) {
    run.log("training the %s deep autoencoder%s", name,
        l1 > 0 ? String.format(java.util.Locale.ROOT, " (l1 %.3g on the code)", l1) : "");
    try (KerasModel autoencoder = DeepAutoencoder.build(run, l1)) {
      // autoencoder.fit(x_train, x_train, epochs=5, batch_size=128, shuffle=True,
      //                 validation_data=(x_test, x_test))
      TrainingCurve curve = TrainingCurve.forFit(run, xTrain.shape()[0], batchSize);
      autoencoder.fit(List.of(xTrain), List.of(xTrain), FitOptions.defaults().setEpochs(epochs)
          .setBatchSize(batchSize).optSeed(run.seed())
          .optValidationData(List.of(xTest), List.of(xTest)).addCallback(curve));
      // encoded_imgs = encoder.predict(x_test)
      NpyArray codes = autoencoder.predictLayers(List.of(xTest), 256, DeepAutoencoder.CODE)
          .get(0);
      double testLoss = autoencoder.evaluate(List.of(xTest), List.of(xTest), 256).get("loss");
      return new Trained(codes, testLoss, curve);
    }
  }

  private static double mean(NpyArray a) {
    double sum = 0;
    for (float v : a.toFloatArray()) {
      sum += v;
    }
    return sum / a.size();
  }
}
