package org.kerasbridge.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.KerasBridge;
import org.kerasbridge.UnsupportedFeatureException;
import org.kerasbridge.cli.Main;
import org.kerasbridge.fixtures.Fixtures;
import org.kerasbridge.graph.Device;
import org.kerasbridge.io.KerasJson;
import org.kerasbridge.ndarray.Npy;
import org.kerasbridge.ndarray.Npz;
import picocli.CommandLine;

/**
 * Python code in a model or data file is never run or deserialized, and no option turns that on:
 * one test per form (a Lambda layer's marshalled bytecode, custom objects named by
 * {@code module}/{@code registered_name} as a layer, an activation, a loss and an optimizer, and
 * pickled numpy object arrays in {@code .npy} and {@code .npz}).
 */
class UntrustedCodeTest {
  private static final Path MLP = Fixtures.models().resolve("mlp_classifier/model.keras");
  /**
   * Python 3.12 {@code marshal.dumps} of {@code lambda x: (os.system('touch
   * /tmp/kerasbridge-lambda-sentinel'), x)[1]}: what Keras 3 stores for a Lambda layer. It is
   * only ever a string here; the sentinel file must never appear.
   */
  private static final String BYTECODE = "4wEAAAAAAAAAAAAAAAMAAAADAAAA81YAAACXAHQBAAAAAAAAAAAAAGQB"
      + "pgEAAKsBAAAAAAAAAACgAQAAAAAAAAAAAAAAAAAAAAAAAAAAZAKmAQAAqwEAAAAAAAAAAHwAZgJkAxkAAAAAAAAAAAB"
      + "TACkETtoCb3P6JnRvdWNoIC90bXAva2VyYXNicmlkZ2UtbGFtYmRhLXNlbnRpbmVs6QEAAAApAtoKX19pbXBvcnRf"
      + "X9oGc3lzdGVtKQHaAXhzAQAAACD6CDxzdHJpbmc++gg8bGFtYmRhPnIJAAAAAwAAAHMpAAAAgACNWpgE0Q0d1A0d1w"
      + "0k0g0k0CVN0Q1O1A1O0FBR0AxS0FNU1AxVgADzAAAAAA==";
  private static final Path SENTINEL = Path.of("/tmp/kerasbridge-lambda-sentinel");

  @TempDir
  Path tmp;

  /** The MLP fixture with its config.json edited by {@code edit}. */
  private Path withConfig(String name, Consumer<ObjectNode> edit) throws IOException {
    Path out = tmp.resolve(name);
    try (ZipFile in = new ZipFile(MLP.toFile());
        ZipOutputStream zo = new ZipOutputStream(Files.newOutputStream(out))) {
      for (ZipEntry e : java.util.Collections.list(in.entries())) {
        byte[] b;
        try (InputStream is = in.getInputStream(e)) {
          b = is.readAllBytes();
        }
        if (e.getName().equals("config.json")) {
          ObjectNode cfg = (ObjectNode) KerasJson.MAPPER.readTree(b);
          edit.accept(cfg);
          b = KerasJson.MAPPER.writeValueAsBytes(cfg);
        }
        zo.putNextEntry(new ZipEntry(e.getName()));
        zo.write(b);
        zo.closeEntry();
      }
    }
    return out;
  }

  private static ArrayNode layers(ObjectNode cfg) {
    return (ArrayNode) cfg.path("config").path("layers");
  }

  private static ObjectNode lambdaLayer(String name) throws IOException {
    return (ObjectNode) KerasJson.MAPPER.readTree("""
        {"module": "keras.layers", "class_name": "Lambda", "config": {"name": "%s",
          "trainable": true, "dtype": "float32",
          "function": {"class_name": "__lambda__", "config": {"code": "%s", "defaults": null,
            "closure": null}},
          "output_shape": null, "mask": null, "arguments": {}}, "registered_name": null}
        """.formatted(name, BYTECODE));
  }

  private static UnsupportedFeatureException refusedOnLoad(Path file, String... fragments) {
    UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class,
        () -> KerasBridge.load(file, Device.CPU).close());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "says \"" + f + "\": " + e.getMessage());
    }
    return e;
  }

  @Test
  void lambdaBytecodeIsNeverRun() throws IOException {
    Files.deleteIfExists(SENTINEL);
    Path top = withConfig("lambda.keras", c -> {
      try {
        layers(c).insert(2, lambdaLayer("evil"));
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    refusedOnLoad(top, "'evil' (Lambda)", "never runs code");
    // wrapped in TimeDistributed, the inner Lambda is found and refused as well
    Path wrapped = withConfig("wrapped.keras", c -> {
      try {
        ObjectNode td = (ObjectNode) KerasJson.MAPPER.readTree("""
            {"module": "keras.layers", "class_name": "TimeDistributed", "config": {"name": "td",
              "trainable": true, "dtype": "float32"}, "registered_name": null}""");
        ((ObjectNode) td.get("config")).set("layer", lambdaLayer("inner"));
        layers(c).insert(2, td);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class,
        () -> KerasBridge.load(wrapped, Device.CPU).close());
    assertTrue(e.getMessage().contains("Lambda"), e.getMessage());
    // and through the CLI: exit 2, one line, no stack trace
    CommandLine cl = org.kerasbridge.cli.MainAccess.commandLine();
    java.io.StringWriter err = new java.io.StringWriter();
    cl.setErr(new java.io.PrintWriter(err));
    cl.setOut(new java.io.PrintWriter(new java.io.StringWriter()));
    int code = cl.execute("summary", top.toString());
    assertEquals(Main.BAD_INPUT, code, err.toString());
    assertTrue(err.toString().contains("(Lambda)") && !err.toString().contains("\tat "),
        err.toString());
    assertFalse(Files.exists(SENTINEL), "the Lambda's code ran");
  }

  @Test
  void customLayersAreRefusedByModuleOrRegisteredName() throws IOException {
    Path byModule = withConfig("module.keras", c -> {
      ObjectNode d = (ObjectNode) layers(c).get(1);
      d.put("module", "my_project.layers");
    });
    refusedOnLoad(byModule, "'dense'", "custom object", "my_project.layers");
    Path byName = withConfig("registered.keras", c -> {
      ObjectNode d = (ObjectNode) layers(c).get(1);
      d.put("registered_name", "MyPackage>Dense");
    });
    refusedOnLoad(byName, "'dense'", "MyPackage>Dense");
  }

  /** A custom activation is refused even when its config names a built-in ("relu"). */
  @Test
  void customActivationsAreRefused() throws IOException {
    Path file = withConfig("activation.keras", c -> {
      ObjectNode d = (ObjectNode) layers(c).get(1).get("config");
      ObjectNode act = d.putObject("activation");
      act.put("module", "my_project.activations");
      act.put("class_name", "function");
      act.put("config", "relu");
      act.put("registered_name", "function");
    });
    refusedOnLoad(file, "'dense'", "argument 'activation'", "my_project.activations",
        "never imports or runs code");
    Path registered = withConfig("activation2.keras", c -> {
      ObjectNode d = (ObjectNode) layers(c).get(1).get("config");
      ObjectNode act = d.putObject("kernel_initializer");
      act.putNull("module");
      act.put("class_name", "MyInit");
      act.putObject("config");
      act.put("registered_name", "Custom>MyInit");
    });
    refusedOnLoad(registered, "argument 'kernel_initializer'", "Custom>MyInit");
  }

  @Test
  void customLossesAndOptimizersAreRefused() throws IOException {
    Path loss = withConfig("loss.keras", c -> {
      ObjectNode l = ((ObjectNode) c.get("compile_config")).putObject("loss");
      l.put("module", "my_project.losses");
      l.put("class_name", "function");
      l.put("config", "categorical_crossentropy");
      l.put("registered_name", "function");
    });
    try (KerasModel m = KerasBridge.loadKeras(loss, Device.CPU)) {
      UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class,
          m::compileFromFile);
      assertTrue(e.getMessage().contains("my_project.losses"), e.getMessage());
    }
    Path opt = withConfig("opt.keras", c -> ((ObjectNode) c.path("compile_config")
        .path("optimizer")).put("registered_name", "Custom>MyRMSprop"));
    try (KerasModel m = KerasBridge.loadKeras(opt, Device.CPU)) {
      UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class,
          m::compileFromFile);
      assertTrue(e.getMessage().contains("Custom>MyRMSprop"), e.getMessage());
    }
  }

  /** An object-dtype .npy is a pickle: refused, whether alone or inside an .npz. */
  @Test
  void pickledArraysAreRefused() throws IOException {
    // numpy.save(np.array([{"a": 1}], dtype=object), allow_pickle=True): header + pickle bytes
    String header = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }";
    byte[] pickle = {(byte) 0x80, 0x04, (byte) 0x95, 0x10, 0, 0, 0, 0, 0, 0, 0, 'c', 'o', 's',
        '\n', 's', 'y', 's', 't', 'e', 'm', '\n', '.'};
    byte[] npy = npy(header, pickle);
    Path file = tmp.resolve("objects.npy");
    Files.write(file, npy);
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> Npy.read(file));
    assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("object")
        && e.getMessage().contains("never unpickles"), e.getMessage());
    Path npz = tmp.resolve("data.npz");
    try (ZipOutputStream zo = new ZipOutputStream(Files.newOutputStream(npz))) {
      zo.putNextEntry(new ZipEntry("x.npy"));
      zo.write(npy);
      zo.closeEntry();
    }
    e = assertThrows(InvalidInputException.class, () -> Npz.read(npz));
    assertTrue(e.getMessage().contains("never unpickles"), e.getMessage());
    Path pkl = tmp.resolve("pickled.npz");
    try (ZipOutputStream zo = new ZipOutputStream(Files.newOutputStream(pkl))) {
      zo.putNextEntry(new ZipEntry("x.pkl"));
      zo.write(pickle);
      zo.closeEntry();
    }
    e = assertThrows(InvalidInputException.class, () -> Npz.read(pkl));
    assertTrue(e.getMessage().contains("not a .npy array"), e.getMessage());
    // a bare pickle handed over as .npy is not read either
    Path bare = tmp.resolve("bare.npy");
    Files.write(bare, pickle);
    e = assertThrows(InvalidInputException.class, () -> Npy.read(bare));
    assertTrue(e.getMessage().contains("not a .npy file"), e.getMessage());
  }

  private static byte[] npy(String dict, byte[] payload) {
    StringBuilder h = new StringBuilder(dict);
    while ((10 + h.length() + 1) % 64 != 0) {
      h.append(' ');
    }
    h.append('\n');
    byte[] hb = h.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[10 + hb.length + payload.length];
    byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) hb.length,
        (byte) (hb.length >> 8)};
    System.arraycopy(magic, 0, out, 0, 10);
    System.arraycopy(hb, 0, out, 10, hb.length);
    System.arraycopy(payload, 0, out, 10 + hb.length, payload.length);
    return out;
  }

  /**
   * No public method, field or CLI option offers to run or deserialize Python (Keras's
   * {@code safe_mode=False}, numpy's {@code allow_pickle=True}, {@code custom_objects}): the
   * refusals above hold under every option because there is none to change them.
   */
  @Test
  void noOptionEnablesCode() throws Exception {
    Pattern risky = Pattern.compile("(?i).*(safe_?mode|unsafe|pickle|custom_?objects?|"
        + "allow_?lambda|allow_?code|trust).*");
    Path classes = Path.of(KerasBridge.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI());
    List<String> found = new ArrayList<>();
    List<String> names;
    try (Stream<Path> walk = Files.walk(classes)) {
      names = walk.filter(p -> p.toString().endsWith(".class"))
          .map(p -> classes.relativize(p).toString().replace('/', '.').replaceAll("\\.class$",
              "")).toList();
    }
    assertTrue(names.size() > 100, "scanned " + names.size() + " classes");
    for (String n : names) {
      Class<?> c = Class.forName(n, false, getClass().getClassLoader());
      for (Method m : c.getDeclaredMethods()) {
        if (Modifier.isPublic(m.getModifiers()) && risky.matcher(m.getName()).matches()) {
          found.add(n + "." + m.getName());
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (!Modifier.isPrivate(f.getModifiers()) && risky.matcher(f.getName()).matches()) {
          found.add(n + "." + f.getName());
        }
      }
    }
    Map<String, List<String>> cliOptions = new LinkedHashMap<>();
    CommandLine cl = org.kerasbridge.cli.MainAccess.commandLine();
    cl.getSubcommands().forEach((name, sub) -> sub.getCommandSpec().options().forEach(o -> {
      for (String on : o.names()) {
        if (risky.matcher(on).matches()) {
          cliOptions.computeIfAbsent(name, k -> new ArrayList<>()).add(on);
        }
      }
    }));
    assertTrue(cl.getSubcommands().size() >= 5, cl.getSubcommands().keySet().toString());
    assertEquals(List.of(), found);
    assertEquals(Map.of(), cliOptions);
  }
}
