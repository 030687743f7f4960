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
import org.kerasbridge.model.FitOptions;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.optimizers.Adadelta;

/**
 * {@code cnn}: Keras's example {@code mnist_cnn.py}: two 3x3 convolutions, max pooling, dropout
 * and a 128-unit dense layer, Adadelta with Keras 2's learning rate 1.0, batch 128, 12 epochs,
 * validated on the test set (the article reports test accuracy 0.9910).
 *
 * <p>Keras 3's Adadelta defaults to learning_rate 0.001, a thousand times smaller than the
 * Keras 2 default the example relied on, so the article's rate is written explicitly here.
 */
public final class MnistCnn {
  private MnistCnn() {}

  public static ObjectNode run(TutorialRun run) {
    // batch_size = 128; num_classes = 10; epochs = 12
    int batchSize = run.batchSize(128);
    int numClasses = 10;
    int epochs = run.epochs(12);

    // (x_train, y_train), (x_test, y_test) = mnist.load_data()
    Mnist.Data mnist = run.mnist();
    // x_train = x_train.reshape(x_train.shape[0], 28, 28, 1).astype('float32') / 255
    NpyArray xTrain = Preprocess.scaleImages(mnist.xTrain(), Layout.CHANNELS_LAST);
    NpyArray xTest = Preprocess.scaleImages(mnist.xTest(), Layout.CHANNELS_LAST);
    // y_train = keras.utils.to_categorical(y_train, num_classes)
    NpyArray yTrain = Preprocess.oneHot(mnist.yTrain(), numClasses);
    NpyArray yTest = Preprocess.oneHot(mnist.yTest(), numClasses);

    try (KerasModel model = ModelBuilder.sequential("mnist_cnn")
        .add(Layers.input(28, 28, 1))
        // model.add(Conv2D(32, kernel_size=(3, 3), activation='relu', input_shape=input_shape))
        .add(Layers.conv2d(32, 3, 3).optActivation("relu"))
        // model.add(Conv2D(64, (3, 3), activation='relu'))
        .add(Layers.conv2d(64, 3, 3).optActivation("relu"))
        // model.add(MaxPooling2D(pool_size=(2, 2)))
        .add(Layers.maxPooling2d(2, 2))
        // model.add(Dropout(0.25))
        .add(Layers.dropout(0.25))
        // model.add(Flatten())
        .add(Layers.flatten())
        // model.add(Dense(128, activation='relu'))
        .add(Layers.dense(128).optActivation("relu"))
        // model.add(Dropout(0.5))
        .add(Layers.dropout(0.5))
        // model.add(Dense(num_classes, activation='softmax'))
        .add(Layers.dense(numClasses).optActivation("softmax"))
        .build(run.device(), run.seed())) {

      // model.compile(loss=keras.losses.categorical_crossentropy,
      //               optimizer=keras.optimizers.Adadelta(),  # Keras 2: lr=1.0, rho=0.95
      //               metrics=['accuracy'])
      Adadelta adadelta = new Adadelta(kwargs("learning_rate", 1.0, "rho", 0.95,
          "epsilon", 1e-7));
      model.compile(adadelta, Losses.byName("categorical_crossentropy", null), "accuracy");

      // model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, verbose=1,
      //           validation_data=(x_test, y_test))
      TrainingCurve curve = TrainingCurve.forFit(run, xTrain.shape()[0], batchSize);
      model.fit(List.of(xTrain), List.of(yTrain), FitOptions.defaults().setEpochs(epochs)
          .setBatchSize(batchSize).optSeed(run.seed())
          .optValidationData(List.of(xTest), List.of(yTest)).addCallback(curve));

      // score = model.evaluate(x_test, y_test, verbose=0)
      Map<String, Double> score = model.evaluate(List.of(xTest), List.of(yTest), 500);
      run.log("Test loss: %.4f", score.get("loss"));
      run.log("Test accuracy: %.4f", score.get("accuracy"));

      curve.write("MNIST CNN (mnist_cnn.py): categorical crossentropy");
      return run.result().put("test_loss", score.get("loss"))
          .put("test_accuracy", score.get("accuracy"));
    }
  }
}
