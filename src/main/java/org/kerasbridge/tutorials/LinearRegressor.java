package org.kerasbridge.tutorials;

import static org.kerasbridge.tutorials.TutorialRun.kwargs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.kerasbridge.builder.Layers;
import org.kerasbridge.builder.ModelBuilder;
import org.kerasbridge.data.Preprocess;
import org.kerasbridge.losses.Losses;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.optimizers.SGD;
import org.kerasbridge.viz.LineChart;

/**
 * {@code regressor}: Morvan's Keras tutorial "4 - Regressor example": Dense(1) fits {@code y =
 * 0.5 x + 2 + noise} by SGD (Keras's default learning rate 0.01), 301 full-batch steps of {@code
 * train_on_batch} on 160 points, tested on the other 40 (the article: W about 0.5, b about 2).
 * Reports {@code W} and {@code b}; writes {@code prediction.png} with the test points and the
 * fitted line.
 *
 * <p>Where the fit ends depends on the initial weight: the loss falls fast along b but slowly
 * along W, by a factor {@code 1 - 2 lr E[x^2] = 1 - 0.02/3} per step, so after 301 steps W has
 * closed only about 86% of its initial distance to 0.5. The article's W = 0.49 is one draw.
 */
public final class LinearRegressor {
  private LinearRegressor() {}

  public static ObjectNode run(TutorialRun run) {
    // X = np.linspace(-1, 1, 200)
    int n = 200;
    float[] xAll = new float[n];
    for (int i = 0; i < n; i++) {
      xAll[i] = (float) (-1 + 2.0 * i / (n - 1));
    }
    // np.random.shuffle(X)
    int[] order = Preprocess.permutation(n, run.seed());
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = xAll[order[i]];
    }
    // Y = 0.5 * X + 2 + np.random.normal(0, 0.05, (200, ))
    SplittableRandom random = new SplittableRandom(run.seed() + 1);
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      y[i] = (float) (0.5 * x[i] + 2 + 0.05 * random.nextGaussian());
    }
    // X_train, Y_train = X[:160], Y[:160]; X_test, Y_test = X[160:], Y[160:]
    NpyArray xs = NpyArray.ofFloats(new long[] {n, 1}, x);
    NpyArray ys = NpyArray.ofFloats(new long[] {n, 1}, y);
    NpyArray xTrain = xs.sliceRows(0, 160);
    NpyArray yTrain = ys.sliceRows(0, 160);
    NpyArray xTest = xs.sliceRows(160, n);
    NpyArray yTest = ys.sliceRows(160, n);

    // model = Sequential(); model.add(Dense(units=1, input_dim=1))
    try (KerasModel model = ModelBuilder.sequential("regressor")
        .add(Layers.input(1))
        .add(Layers.dense(1))
        .build(run.device(), run.seed())) {

      // model.compile(loss='mse', optimizer='sgd')
      SGD sgd = new SGD(kwargs("learning_rate", 0.01, "momentum", 0.0, "nesterov", false));
      model.compile(sgd, Losses.byName("mse", null));

      // for step in range(301):
      int steps = run.steps(301);
      TrainingCurve curve = TrainingCurve.forSteps(run);
      for (int step = 0; step < steps; step++) {
        // cost = model.train_on_batch(X_train, Y_train)
        double cost = model.trainOnBatch(List.of(xTrain), List.of(yTrain), null).get("loss");
        curve.step(step, cost);
        // if step % 100 == 0: print('train cost: ', cost)
        if (step % 100 == 0) {
          run.log("step %d - train cost: %.5f", step, cost);
        }
      }

      // cost = model.evaluate(X_test, Y_test, batch_size=40)
      double testCost = model.evaluate(List.of(xTest), List.of(yTest), 40).get("loss");
      curve.test("test cost", steps - 1, testCost);
      // W, b = model.layers[0].get_weights()
      double w = model.weightValues().get("dense/kernel").getDouble(0);
      double b = model.weightValues().get("dense/bias").getDouble(0);
      run.log("test cost: %.5f", testCost);
      run.log("Weights= %.4f  biases= %.4f", w, b);

      // Y_pred = model.predict(X_test); plt.scatter(X_test, Y_test); plt.plot(X_test, Y_pred)
      NpyArray yPred = model.predict(List.of(xTest), 40).get(0);
      plot(run, xTest, yTest, yPred, w, b);
      curve.write("Linear regressor: mse");
      return run.result().put("steps", steps).put("epochs", steps).put("test_loss", testCost)
          .put("W", w).put("b", b);
    }
  }

  /** The test points and the fitted line, both ordered by x. */
  private static void plot(TutorialRun run, NpyArray x, NpyArray y, NpyArray pred, double w,
      double b) {
    int n = (int) x.shape()[0];
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (p, q) -> Double.compare(x.getDouble(p), x.getDouble(q)));
    double[] xs = new double[n];
    double[] ys = new double[n];
    double[] ps = new double[n];
    for (int i = 0; i < n; i++) {
      xs[i] = x.getDouble(idx[i]);
      ys[i] = y.getDouble(idx[i]);
      ps[i] = pred.getDouble(idx[i]);
    }
    LineChart.titled(String.format(Locale.ROOT, "Linear regressor: y = %.3f x + %.3f", w, b))
        .series("test data", xs, ys).series("prediction", xs, ps)
        .xLabel("x").yLabel("y").write(run.file("prediction.png"), 800, 520);
  }
}
