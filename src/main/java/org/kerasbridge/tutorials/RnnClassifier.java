package org.kerasbridge.tutorials;

import static org.kerasbridge.tutorials.TutorialRun.kwargs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.kerasbridge.builder.Layers;
import org.kerasbridge.builder.ModelBuilder;
import org.kerasbridge.data.Mnist;
import org.kerasbridge.data.Preprocess;
import org.kerasbridge.data.Preprocess.Layout;
import org.kerasbridge.losses.Losses;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.optimizers.Adam;

/**
 * {@code rnn}: Morvan's Keras tutorial "7 - RNN Classifier example": each image is 28 time steps
 * of 28 pixels, read by SimpleRNN(50, unroll=True) and classified by Dense(10) + softmax; Adam
 * 0.001, 4001 steps of {@code train_on_batch} on batches of 50 (the article reports test
 * accuracy of about 0.93).
 *
 * <p>As in the article, the batches are consecutive slices of the training set in its stored
 * order, wrapping to the start at the end ({@code BATCH_INDEX}); 4001 steps of 50 images are
 * 3.3 passes over the 60000 images. The test set is evaluated every 500 steps, as the article
 * prints it.
 */
public final class RnnClassifier {
  private RnnClassifier() {}

  public static ObjectNode run(TutorialRun run) {
    // TIME_STEPS = 28; INPUT_SIZE = 28; BATCH_SIZE = 50; BATCH_INDEX = 0
    // OUTPUT_SIZE = 10; CELL_SIZE = 50; LR = 0.001
    int timeSteps = 28;
    int inputSize = 28;
    int batchSize = run.batchSize(50);
    int batchIndex = 0;
    int outputSize = 10;
    int cellSize = 50;
    double lr = 0.001;

    // (X_train, y_train), (X_test, y_test) = mnist.load_data()
    Mnist.Data mnist = run.mnist();
    // X_train = X_train.reshape(-1, 28, 28) / 255.
    NpyArray xTrain = Preprocess.scaleImages(mnist.xTrain(), Layout.IMAGE);
    NpyArray xTest = Preprocess.scaleImages(mnist.xTest(), Layout.IMAGE);
    // y_train = np_utils.to_categorical(y_train, num_classes=10)
    NpyArray yTrain = Preprocess.oneHot(mnist.yTrain(), 10);
    NpyArray yTest = Preprocess.oneHot(mnist.yTest(), 10);

    try (KerasModel model = ModelBuilder.sequential("rnn_classifier")
        // model.add(SimpleRNN(batch_input_shape=(None, TIME_STEPS, INPUT_SIZE),
        //                     output_dim=CELL_SIZE, unroll=True))
        .add(Layers.input(timeSteps, inputSize))
        .add(Layers.simpleRnn(cellSize).optUnroll(true))
        // model.add(Dense(OUTPUT_SIZE)); model.add(Activation('softmax'))
        .add(Layers.dense(outputSize))
        .add(Layers.activation("softmax"))
        .build(run.device(), run.seed())) {

      // adam = Adam(LR)
      Adam adam = new Adam(kwargs("learning_rate", lr, "beta_1", 0.9, "beta_2", 0.999,
          "epsilon", 1e-7, "amsgrad", false));
      // model.compile(optimizer=adam, loss='categorical_crossentropy', metrics=['accuracy'])
      model.compile(adam, Losses.byName("categorical_crossentropy", null), "accuracy");

      // for step in range(4001):
      int steps = run.steps(4001);
      long rows = xTrain.shape()[0];
      TrainingCurve curve = TrainingCurve.forSteps(run);
      Map<String, Double> test = null;
      for (int step = 0; step < steps; step++) {
        // X_batch = X_train[BATCH_INDEX: BATCH_INDEX+BATCH_SIZE, :, :]
        long end = Math.min(rows, (long) batchIndex + batchSize);
        NpyArray xBatch = xTrain.sliceRows(batchIndex, end);
        NpyArray yBatch = yTrain.sliceRows(batchIndex, end);
        // cost = model.train_on_batch(X_batch, Y_batch)
        double cost = model.trainOnBatch(List.of(xBatch), List.of(yBatch), null).get("loss");
        curve.step(step, cost);
        // BATCH_INDEX += BATCH_SIZE
        // BATCH_INDEX = 0 if BATCH_INDEX >= X_train.shape[0] else BATCH_INDEX
        batchIndex += batchSize;
        batchIndex = batchIndex >= rows ? 0 : batchIndex;

        // if step % 500 == 0:
        //     cost, accuracy = model.evaluate(X_test, y_test, batch_size=y_test.shape[0])
        if (step % 500 == 0 || step == steps - 1) {
          test = model.evaluate(List.of(xTest), List.of(yTest), (int) xTest.shape()[0]);
          curve.test("test loss", step, test.get("loss"));
          run.log("step %d - test cost: %.4f  test accuracy: %.4f", step, test.get("loss"),
              test.get("accuracy"));
        }
      }

      curve.write("SimpleRNN classifier: categorical crossentropy");
      return run.result().put("steps", steps)
          .put("epochs", Math.round((double) steps * batchSize / rows * 100) / 100.0)
          .put("test_loss", test.get("loss")).put("test_accuracy", test.get("accuracy"));
    }
  }
}
