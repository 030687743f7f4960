package org.kerasbridge.io;

import java.nio.file.Path;
import java.util.List;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.cli.Main;
import org.kerasbridge.graph.Device;
import org.kerasbridge.model.Callback;
import org.kerasbridge.model.FitOptions;
import org.kerasbridge.model.KerasModel;
import org.kerasbridge.model.ModelCheckpoint;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.NpyArray;

/**
 * The process {@code AtomicWritesSurviveSigkillTest} kills: writes one target over and over, the
 * way a user's process would, until it is killed. Prints {@code READY} once TensorFlow is loaded
 * and {@code WROTE n} after each complete write.
 *
 * <p>Modes: {@code convert SRC OUT} ({@code kerasbridge convert SRC --out OUT --overwrite});
 * {@code fit SRC X Y OUT} ({@code kerasbridge fit ... --out OUT --overwrite});
 * {@code checkpoint SRC X Y OUT} ({@code fit} in Java with a {@link ModelCheckpoint} writing OUT
 * at every epoch end).
 */
public final class WriterChild {
  private WriterChild() {}

  public static void main(String[] a) {
    String mode = a[0];
    try (KerasModel warm = KerasBridge.loadKeras(Path.of(a[1]), Device.CPU)) {
      warm.summary();
    }
    System.out.println("READY");
    System.out.flush();
    for (int n = 1; ; n++) {
      int code;
      switch (mode) {
        case "convert":
          code = Main.run("convert", a[1], "--out", a[2], "--overwrite");
          break;
        case "fit":
          code = Main.run("fit", a[1], "--x", a[2], "--y", a[3], "--epochs", "1",
              "--batch-size", "4", "--quiet", "--out", a[4], "--overwrite");
          break;
        case "checkpoint":
          try (KerasModel m = KerasBridge.loadKeras(Path.of(a[1]), Device.CPU)) {
            m.compileFromFile();
            NpyArray x = Npy.read(Path.of(a[2]));
            NpyArray y = Npy.read(Path.of(a[3]));
            m.fit(List.of(x), List.of(y), FitOptions.defaults().setEpochs(1_000_000)
                .setBatchSize(4).optVerbose(false)
                .addCallback(new ModelCheckpoint(a[4], "loss", false))
                .addCallback(new Callback() {
                  int epochs;

                  @Override
                  public void onEpochEnd(KerasModel model, int epoch,
                      java.util.Map<String, Double> logs) {
                    System.out.println("WROTE " + (++epochs));
                    System.out.flush();
                  }
                }));
          }
          code = 0;
          break;
        default:
          throw new IllegalArgumentException(mode);
      }
      if (code != 0) {
        System.out.println("FAILED " + code);
        System.exit(code);
      }
      System.out.println("WROTE " + n);
      System.out.flush();
    }
  }
}
