package org.kerasbridge.tutorials;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.kerasbridge.model.Callback;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.viz.LineChart;

/**
 * The training curve every tutorial writes as {@code loss.png}: the loss of each training batch
 * (as a moving average when there are many), the mean loss of each epoch, and the validation or
 * test loss wherever the article measures one.
 *
 * <p>With {@code fit}, add it as a callback ({@link #forFit}); the x axis is then in epochs, and
 * batch {@code i} of epoch {@code e} sits at {@code e + (i + 1) / steps}. Keras's callbacks see
 * the running mean of the epoch's loss after each batch, not the batch's own loss; the batch loss
 * is recovered exactly from two consecutive running means and the batch sizes. A tutorial with
 * its own training loop ({@link #forSteps}) reports each step with {@link #step} and each test
 * with {@link #test}; the x axis is then the step.
 *
 * <p>When stdout is not a terminal, Keras's progress bar only prints the end of each epoch; this
 * callback then also logs the running loss about ten times per epoch, so that long epochs show
 * progress in a log.
 */
public final class TrainingCurve implements Callback {
  private final TutorialRun run;
  private final long rows;
  private final int batchSize;
  private final int stepsPerEpoch;
  private final boolean logProgress;
  private final List<double[]> batches = new ArrayList<>();
  private final List<double[]> epochLoss = new ArrayList<>();
  private final List<double[]> validation = new ArrayList<>();
  private String validationName = "val_loss";
  private int epoch;
  private double previousMean;
  private long seen;

  private TrainingCurve(TutorialRun run, long rows, int batchSize) {
    this.run = run;
    this.rows = rows;
    this.batchSize = batchSize;
    this.stepsPerEpoch = rows <= 0 ? 0 : (int) ((rows + batchSize - 1) / batchSize);
    this.logProgress = rows > 0 && System.console() == null;
  }

  /** A callback for {@code fit} on {@code trainingRows} rows in batches of {@code batchSize}. */
  public static TrainingCurve forFit(TutorialRun run, long trainingRows, int batchSize) {
    return new TrainingCurve(run, trainingRows, batchSize);
  }

  /** A curve over the steps of a tutorial's own training loop. */
  public static TrainingCurve forSteps(TutorialRun run) {
    return new TrainingCurve(run, 0, 1);
  }

  @Override
  public void onEpochBegin(KerasModel model, int e) {
    epoch = e;
    previousMean = 0;
    seen = 0;
  }

  @Override
  public void onTrainBatchEnd(KerasModel model, int batch, Map<String, Double> logs) {
    long n = Math.min(batchSize, rows - (long) batch * batchSize);
    double mean = logs.get("loss");
    double loss = (mean * (seen + n) - previousMean * seen) / n;
    seen += n;
    previousMean = mean;
    batches.add(new double[] {epoch + (batch + 1.0) / stepsPerEpoch, loss});
    int every = Math.max(1, stepsPerEpoch / 10);
    if (logProgress && (batch + 1) % every == 0 && batch + 1 < stepsPerEpoch) {
      run.log("  %d/%d - loss: %.4f", batch + 1, stepsPerEpoch, mean);
    }
  }

  @Override
  public void onEpochEnd(KerasModel model, int e, Map<String, Double> logs) {
    epochLoss.add(new double[] {e + 1, logs.get("loss")});
    Double val = logs.get("val_loss");
    if (val != null) {
      validation.add(new double[] {e + 1, val});
    }
  }

  /** The training loss of step {@code step} of a tutorial's own loop. */
  public void step(int step, double loss) {
    batches.add(new double[] {step, loss});
  }

  /** A test loss measured after step {@code step}, drawn as the series {@code name}. */
  public void test(String name, int step, double loss) {
    validationName = name;
    validation.add(new double[] {step, loss});
  }

  /** The per-batch (or per-step) training losses recorded so far. */
  public double[] batchLosses() {
    return batches.stream().mapToDouble(p -> p[1]).toArray();
  }

  /** Writes {@code loss.png} into the run's output directory and returns its path. */
  public Path write(String title) {
    LineChart chart = LineChart.titled(title);
    addTo(chart, "");
    return write(chart);
  }

  /** Writes the curves of several models into one {@code loss.png}, each series prefixed. */
  public static Path write(String title, String firstName, TrainingCurve first,
      String secondName, TrainingCurve second) {
    LineChart chart = LineChart.titled(title);
    first.addTo(chart, firstName + ": ");
    second.addTo(chart, secondName + ": ");
    return first.write(chart);
  }

  private Path write(LineChart chart) {
    Path file = run.file("loss.png");
    chart.xLabel(rows > 0 ? "epoch" : "step").yLabel("loss").write(file, 900, 520);
    return file;
  }

  private void addTo(LineChart chart, String prefix) {
    int n = batches.size();
    int window = Math.max(1, n / 100);
    double[] xs = new double[n];
    double[] ys = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += batches.get(i)[1];
      if (i >= window) {
        sum -= batches.get(i - window)[1];
      }
      xs[i] = batches.get(i)[0];
      ys[i] = sum / Math.min(i + 1, window);
    }
    String what = rows > 0 ? "batch" : "step";
    chart.series(prefix + (window == 1 ? "loss per " + what
        : String.format(Locale.ROOT, "loss per %s (mean of %d)", what, window)), xs, ys);
    if (!epochLoss.isEmpty() && epochLoss.size() < n) {
      chart.series(prefix + "loss (epoch mean)", column(epochLoss, 0), column(epochLoss, 1));
    }
    if (!validation.isEmpty()) {
      chart.series(prefix + validationName, column(validation, 0), column(validation, 1));
    }
  }

  private static double[] column(List<double[]> points, int k) {
    return points.stream().mapToDouble(p -> p[k]).toArray();
  }
}
