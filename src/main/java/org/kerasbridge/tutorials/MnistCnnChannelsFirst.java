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
import org.kerasbridge.optimizers.Adam;

/**
 * {@code cnn-channels-first}: Morvan's Keras tutorial "6 - CNN example" in Theano's image order
 * {@code (1, 28, 28)}: two 5x5 convolutions with same padding and 2x2 max pooling, Dense(1024),
 * Dense(10), Adam 1e-4, one epoch of batch 64 (the article reports test accuracy 0.9691).
 */
public final class MnistCnnChannelsFirst {
  private MnistCnnChannelsFirst() {}

  public static ObjectNode run(TutorialRun run) {
    // (X_train, y_train), (X_test, y_test) = mnist.load_data()
    Mnist.Data mnist = run.mnist();
    // X_train = X_train.reshape(-1, 1, 28, 28) / 255.
    NpyArray xTrain = Preprocess.scaleImages(mnist.xTrain(), Layout.CHANNELS_FIRST);
    NpyArray xTest = Preprocess.scaleImages(mnist.xTest(), Layout.CHANNELS_FIRST);
    // y_train = np_utils.to_categorical(y_train, num_classes=10)
    NpyArray yTrain = Preprocess.oneHot(mnist.yTrain(), 10);
    NpyArray yTest = Preprocess.oneHot(mnist.yTest(), 10);

    String cf = "channels_first";
    try (KerasModel model = ModelBuilder.sequential("cnn_channels_first")
        .add(Layers.input(1, 28, 28))
        // Conv layer 1 output shape (32, 28, 28)
        .add(Layers.conv2d(32, 5, 5).optPadding("same").optDataFormat(cf))
        .add(Layers.activation("relu"))
        // Pooling layer 1 (max pooling) output shape (32, 14, 14)
        .add(Layers.maxPooling2d(2, 2).optStrides(2, 2).optPadding("same").optDataFormat(cf))
        // Conv layer 2 output shape (64, 14, 14)
        .add(Layers.conv2d(64, 5, 5).optPadding("same").optDataFormat(cf))
        .add(Layers.activation("relu"))
        // Pooling layer 2 (max pooling) output shape (64, 7, 7)
        .add(Layers.maxPooling2d(2, 2).optPadding("same").optDataFormat(cf))
        // Fully connected layer 1 input shape (64 * 7 * 7) = (3136), output shape (1024)
        .add(Layers.flatten().optDataFormat(cf))
        .add(Layers.dense(1024))
        .add(Layers.activation("relu"))
        // Fully connected layer 2 to shape (10) for 10 classes
        .add(Layers.dense(10))
        .add(Layers.activation("softmax"))
        .build(run.device(), run.seed())) {

      // adam = Adam(lr=1e-4)
      Adam adam = new Adam(kwargs("learning_rate", 1e-4, "beta_1", 0.9, "beta_2", 0.999,
          "epsilon", 1e-7, "amsgrad", false));
      // model.compile(optimizer=adam, loss='categorical_crossentropy', metrics=['accuracy'])
      model.compile(adam, Losses.byName("categorical_crossentropy", null), "accuracy");

      // model.fit(X_train, y_train, epochs=1, batch_size=64,)
      int batchSize = run.batchSize(64);
      TrainingCurve curve = TrainingCurve.forFit(run, xTrain.shape()[0], batchSize);
      model.fit(List.of(xTrain), List.of(yTrain), FitOptions.defaults().setEpochs(run.epochs(1))
          .setBatchSize(batchSize).optSeed(run.seed()).addCallback(curve));

      // loss, accuracy = model.evaluate(X_test, y_test)
      Map<String, Double> test = model.evaluate(List.of(xTest), List.of(yTest), 500);
      run.log("test loss: %.4f  test accuracy: %.4f", test.get("loss"), test.get("accuracy"));

      curve.write("MNIST CNN, channels_first: categorical crossentropy");
      return run.result().put("test_loss", test.get("loss"))
          .put("test_accuracy", test.get("accuracy"));
    }
  }
}
