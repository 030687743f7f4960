package org.kerasbridge.tutorials;

import static org.kerasbridge.tutorials.TutorialRun.kwargs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import org.kerasbridge.builder.Layers;
import org.kerasbridge.builder.ModelBuilder;
import org.kerasbridge.losses.Losses;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.ndarray.NpyArray;
import org.kerasbridge.optimizers.Adam;
import org.kerasbridge.viz.LineChart;

/**
 * {@code lstm-regressor}: Morvan's Keras tutorial "8 - RNN LSTM Regressor example": a stateful
 * LSTM(20) with a TimeDistributed Dense(1) learns to output cos(x) from sin(x), Adam 0.006, mse,
 * 501 steps of {@code train_on_batch} (the article's printed cost falls to about 0.04).
 *
 * <p>The data is the article's {@code get_batch()}: 50 rows of 20 consecutive time steps, {@code
 * x = arange(start, start + 1000).reshape(50, 20) / (10 pi)}, and {@code start} moves on by 20
 * each batch, so row {@code i} of batch {@code k + 1} continues row {@code i} of batch {@code k}
 * in time: that is what the stateful LSTM's carried state relies on.
 *
 * <p>As in the article, each step also calls {@code predict} on the batch just trained on (the
 * article plots it live). Keras's {@code predict} advances a stateful layer's state too (Keras 2
 * and 3 alike), so that prediction starts from the state at the end of the very window it
 * predicts: 20 steps out of phase, and far off target (mean squared error about 0.6 at the end of
 * training while the training cost is below 0.001). {@code prediction.png} therefore shows what
 * the trained model does from a clean start: after {@code reset_states()}, {@link #ROLLOUT}
 * consecutive windows predicted one after another, row 0's target and prediction over the time
 * steps. From a zero state the LSTM needs a few windows to find the phase (sin alone does not
 * tell the sign of cos); the mean squared error over all rows of the windows after the first
 * {@link #WARMUP} is reported as {@code rollout_mse}.
 */
public final class LstmRegressor {
  // BATCH_START = 0; TIME_STEPS = 20; BATCH_SIZE = 50; INPUT_SIZE = 1; OUTPUT_SIZE = 1
  // CELL_SIZE = 20; LR = 0.006
  private static final int TIME_STEPS = 20;
  private static final int INPUT_SIZE = 1;
  private static final int OUTPUT_SIZE = 1;
  private static final int CELL_SIZE = 20;
  private static final double LR = 0.006;
  /** The number of consecutive windows predicted after training for {@code prediction.png}. */
  static final int ROLLOUT = 20;
  /** The windows of the rollout left out of {@code rollout_mse}, while the state settles. */
  static final int WARMUP = 3;

  private LstmRegressor() {}

  /** One batch of {@code get_batch()}: inputs sin(x), targets cos(x), and x itself. */
  private record Batch(NpyArray seq, NpyArray res, double[] xs) {}

  /** {@code get_batch()} for the batch starting at time step {@code batchStart}. */
  private static Batch getBatch(long batchStart, int batchSize) {
    // xs = np.arange(BATCH_START, BATCH_START+TIME_STEPS*BATCH_SIZE)
    //        .reshape((BATCH_SIZE, TIME_STEPS)) / (10*np.pi)
    int n = TIME_STEPS * batchSize;
    double[] xs = new double[n];
    float[] seq = new float[n];
    float[] res = new float[n];
    for (int i = 0; i < n; i++) {
      xs[i] = (batchStart + i) / (10 * Math.PI);
      // seq = np.sin(xs); res = np.cos(xs)
      seq[i] = (float) Math.sin(xs[i]);
      res[i] = (float) Math.cos(xs[i]);
    }
    // return [seq[:, :, np.newaxis], res[:, :, np.newaxis], xs]
    long[] shape = {batchSize, TIME_STEPS, 1};
    return new Batch(NpyArray.ofFloats(shape, seq), NpyArray.ofFloats(shape, res), xs);
  }

  public static ObjectNode run(TutorialRun run) {
    int batchSize = run.batchSize(50);
    try (KerasModel model = ModelBuilder.sequential("lstm_regressor")
        // model.add(LSTM(batch_input_shape=(BATCH_SIZE, TIME_STEPS, INPUT_SIZE),
        //                output_dim=CELL_SIZE, return_sequences=True, stateful=True))
        .add(Layers.inputWithBatch(batchSize, TIME_STEPS, INPUT_SIZE))
        .add(Layers.lstm(CELL_SIZE).optReturnSequences(true).optStateful(true))
        // model.add(TimeDistributed(Dense(OUTPUT_SIZE)))
        .add(Layers.timeDistributed(Layers.dense(OUTPUT_SIZE)))
        .build(run.device(), run.seed())) {

      // adam = Adam(LR)
      Adam adam = new Adam(kwargs("learning_rate", LR, "beta_1", 0.9, "beta_2", 0.999,
          "epsilon", 1e-7, "amsgrad", false));
      // model.compile(optimizer=adam, loss='mse')
      model.compile(adam, Losses.byName("mse", null));

      // for step in range(501):
      int steps = run.steps(501);
      long batchStart = 0;
      TrainingCurve curve = TrainingCurve.forSteps(run);
      double cost = Double.NaN;
      for (int step = 0; step < steps; step++) {
        // X_batch, Y_batch, xs = get_batch()  (BATCH_START += TIME_STEPS)
        Batch b = getBatch(batchStart, batchSize);
        batchStart += TIME_STEPS;
        // cost = model.train_on_batch(X_batch, Y_batch)
        cost = model.trainOnBatch(List.of(b.seq()), List.of(b.res()), null).get("loss");
        curve.step(step, cost);
        // pred = model.predict(X_batch, BATCH_SIZE)
        // plt.plot(xs[0, :], Y_batch[0].flatten(), 'r', xs[0, :], pred.flatten()[:TIME_STEPS])
        model.predict(List.of(b.seq()), batchSize);
        // if step % 10 == 0: print('train cost: ', cost)
        if (step % 10 == 0 || step == steps - 1) {
          run.log("step %d - train cost: %.4f", step, cost);
        }
      }

      // After training: from a reset state, predict consecutive windows as the model saw them.
      model.resetStates();
      double[] x = new double[ROLLOUT * TIME_STEPS];
      double[] target = new double[x.length];
      double[] predicted = new double[x.length];
      double squaredError = 0;
      for (int w = 0; w < ROLLOUT; w++) {
        Batch b = getBatch((long) w * TIME_STEPS, batchSize);
        NpyArray pred = model.predict(List.of(b.seq()), batchSize).get(0);
        for (int i = 0; w >= WARMUP && i < pred.size(); i++) {
          double d = pred.getDouble(i) - b.res().getDouble(i);
          squaredError += d * d;
        }
        for (int t = 0; t < TIME_STEPS; t++) {
          x[w * TIME_STEPS + t] = b.xs()[t];
          target[w * TIME_STEPS + t] = b.res().getDouble(t);
          predicted[w * TIME_STEPS + t] = pred.getDouble(t);
        }
      }
      double rolloutMse = squaredError / ((double) (ROLLOUT - WARMUP) * TIME_STEPS * batchSize);
      run.log("after training, %d consecutive windows from a reset state: mse %.5f after the"
          + " first %d", ROLLOUT, rolloutMse, WARMUP);

      LineChart.titled(String.format(Locale.ROOT,
              "Stateful LSTM after %d steps: cos(x) from sin(x) from a reset state (mse %.4f after"
                  + " window %d)", steps, rolloutMse, WARMUP))
          .series("target cos(x)", x, target).series("prediction", x, predicted)
          .xLabel("x").yLabel("value").write(run.file("prediction.png"), 1400, 520);
      curve.write("Stateful LSTM regressor: mse");
      double[] costs = curve.batchLosses();
      double last10 = 0;
      int k = Math.min(10, costs.length);
      for (int i = costs.length - k; i < costs.length; i++) {
        last10 += costs[i] / k;
      }
      return run.result().put("steps", steps).put("epochs", 1).put("cost", cost)
          .put("cost_last_10_steps", last10).put("rollout_mse", rolloutMse);
    }
  }
}
