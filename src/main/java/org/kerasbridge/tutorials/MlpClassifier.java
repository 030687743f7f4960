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
import org.kerasbridge.optimizers.RMSprop;

/**
 * {@code mlp}: a 784-32-10 classifier trained with RMSprop for 2 epochs (Morvan's Keras tutorial
 * "5 - Classifier example"; the article reports test accuracy 0.9505).
 *
 * <p>The article fits with {@code batch_size=32} and writes {@code epsilon=1e-08}; both are kept
 * here ({@code python-reference/models.py} records batch 128 and Keras 3's default epsilon 1e-7).
 */
public final class MlpClassifier {
  private MlpClassifier() {}

  public static ObjectNode run(TutorialRun run) {
    // (X_train, y_train), (X_test, y_test) = mnist.load_data()
    Mnist.Data mnist = run.mnist();

    // X_train = X_train.reshape(X_train.shape[0], -1) / 255.
    NpyArray xTrain = Preprocess.scaleImages(mnist.xTrain(), Layout.FLAT);
    NpyArray xTest = Preprocess.scaleImages(mnist.xTest(), Layout.FLAT);
    // y_train = np_utils.to_categorical(y_train, num_classes=10)
    NpyArray yTrain = Preprocess.oneHot(mnist.yTrain(), 10);
    NpyArray yTest = Preprocess.oneHot(mnist.yTest(), 10);

    // model = Sequential([Dense(32, input_dim=784), Activation('relu'), Dense(10),
    //                     Activation('softmax')])
    try (KerasModel model = ModelBuilder.sequential("mlp")
        .add(Layers.input(784))
        .add(Layers.dense(32))
        .add(Layers.activation("relu"))
        .add(Layers.dense(10))
        .add(Layers.activation("softmax"))
        .build(run.device(), run.seed())) {

      // rmsprop = RMSprop(lr=0.001, rho=0.9, epsilon=1e-08, decay=0.0)
      RMSprop rmsprop = new RMSprop(kwargs("learning_rate", 0.001, "rho", 0.9,
          "momentum", 0.0, "epsilon", 1e-8, "centered", false));
      // model.compile(optimizer=rmsprop, loss='categorical_crossentropy', metrics=['accuracy'])
      model.compile(rmsprop, Losses.byName("categorical_crossentropy", null), "accuracy");

      // model.fit(X_train, y_train, epochs=2, batch_size=32)
      int epochs = run.epochs(2);
      int batchSize = run.batchSize(32);
      TrainingCurve curve = TrainingCurve.forFit(run, xTrain.shape()[0], batchSize);
      model.fit(List.of(xTrain), List.of(yTrain), FitOptions.defaults().setEpochs(epochs)
          .setBatchSize(batchSize).optSeed(run.seed()).addCallback(curve));

      // loss, accuracy = model.evaluate(X_test, y_test)
      Map<String, Double> test = model.evaluate(List.of(xTest), List.of(yTest), 32);
      run.log("test loss: %.4f  test accuracy: %.4f", test.get("loss"), test.get("accuracy"));

      curve.write("MLP classifier: training loss");
      return run.result().put("test_loss", test.get("loss"))
          .put("test_accuracy", test.get("accuracy"));
    }
  }
}
