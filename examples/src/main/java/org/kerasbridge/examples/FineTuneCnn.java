package org.kerasbridge.examples;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.data.Mnist;
import org.kerasbridge.data.Preprocess;
import org.kerasbridge.data.Preprocess.Layout;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.ModelWriters;
import org.kerasbridge.layers.Layer;
import org.kerasbridge.losses.Losses;
import org.kerasbridge.model.FitOptions;
import org.kerasbridge.model.InferenceModel;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.model.ProgressSink;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.optimizers.Optimizers;

/**
 * Example 3: fine-tune a CNN made in Python Keras on new data, then export it as a TensorFlow
 * SavedModel for serving (TF Serving, TF Java, Python {@code tf.saved_model.load}).
 *
 * <pre>
 * java ... org.kerasbridge.examples.FineTuneCnn MODEL.keras [--mnist DIR] [--limit N]
 *     [--epochs E] [--out saved_model_dir]
 * </pre>
 *
 * The convolution layers are frozen ({@code layer.trainable = False} in Keras); only the dense
 * head trains. Checks: fine-tuning lowers the loss on held-out digits, and the SavedModel gives the
 * fine-tuned model's predictions.
 */
public final class FineTuneCnn {
  private FineTuneCnn() {}

  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: FineTuneCnn MODEL.keras [--mnist DIR] [--limit N] [--epochs E]"
          + " [--out DIR]");
      System.exit(2);
    }
    Path modelFile = Path.of(args[0]);
    int limit = Check.intArg(args, "--limit", 5000);
    int epochs = Check.intArg(args, "--epochs", 1);
    Path out = Path.of(Check.arg(args, "--out", "finetuned_saved_model"));
    String dir = Check.arg(args, "--mnist", null);
    Mnist.Data mnist = (dir != null ? Mnist.load(Path.of(dir)) : Mnist.load())
        .head(limit, Math.min(limit, 10000));
    NpyArray xTrain = Preprocess.scaleImages(mnist.xTrain(), Layout.CHANNELS_LAST);
    NpyArray yTrain = Preprocess.oneHot(mnist.yTrain(), 10);
    NpyArray xTest = Preprocess.scaleImages(mnist.xTest(), Layout.CHANNELS_LAST);
    NpyArray yTest = Preprocess.oneHot(mnist.yTest(), 10);

    try (KerasModel model = KerasBridge.loadKeras(modelFile, Device.CPU)) {
      // for layer in model.layers: if isinstance(layer, Conv2D): layer.trainable = False
      for (Layer layer : model.root().layers()) {
        if (layer.getClass().getSimpleName().startsWith("Conv")) {
          layer.setTrainable(false);
          System.out.println("frozen: " + layer.name());
        }
      }
      // model.compile(optimizer=Adam(1e-3), loss='categorical_crossentropy', metrics=['accuracy'])
      model.compile(Optimizers.create("adam", 0.001),
          Losses.byName("categorical_crossentropy", null), "accuracy");
      var before = model.evaluate(List.of(xTest), List.of(yTest), 128);
      model.fit(List.of(xTrain), List.of(yTrain), FitOptions.defaults().setEpochs(epochs)
          .setBatchSize(32).optProgress(ProgressSink.console(System.out)));
      var after = model.evaluate(List.of(xTest), List.of(yTest), 128);
      System.out.printf(Locale.ROOT, "held-out digits: loss %.4f -> %.4f, accuracy %.3f -> %.3f%n",
          before.get("loss"), after.get("loss"), before.get("accuracy"), after.get("accuracy"));
      Check.that(after.get("loss") < before.get("loss"), "fine-tuning lowered the held-out loss");

      // model.export('finetuned_saved_model')
      ModelWriters.write(model, out, ModelWriters.Format.SAVED_MODEL, true);
      System.out.println("exported SavedModel " + out.toAbsolutePath());
      NpyArray expected = model.predict(List.of(xTest), 128).get(0);
      try (InferenceModel served = KerasBridge.load(out)) {
        double diff = Check.maxAbsDiff(expected, served.predict(List.of(xTest), 128).get(0));
        Check.that(diff <= 1e-5, String.format(Locale.ROOT,
            "the SavedModel predicts as the fine-tuned model (max |diff| %.3g <= 1e-5)", diff));
      }
    }
  }
}
