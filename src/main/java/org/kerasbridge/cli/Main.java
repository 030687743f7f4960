package org.kerasbridge.cli;

import java.io.PrintWriter;
import org.kerasbridge.KerasBridgeException;
import org.kerasbridge.graph.NativeLogging;
import org.kerasbridge.model.ProgressSink;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code kerasbridge}: the command-line tool. Exit codes: 0 ok, 1 a check failed, 2 bad input or
 * usage (one line on stderr), 3 an internal error (a bug: please report it).
 */
@Command(name = "kerasbridge", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Load, run and check Keras models on TensorFlow Java.",
    subcommands = {SummaryCommand.class, PredictCommand.class, ParityCommand.class,
        FitCommand.class, ConvertCommand.class, TutorialCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  public static final int OK = 0;
  public static final int CHECK_FAILED = 1;
  public static final int BAD_INPUT = 2;
  public static final int INTERNAL_ERROR = 3;

  static {
    // The CLI's log format (slf4j-simple, which only the CLI brings): "[INFO] message" on stderr.
    // Set here rather than in a simplelogger.properties, which would also configure the logging
    // of every application that has KerasBridge and slf4j-simple on its classpath. -D wins.
    simpleLoggerDefault("logFile", "System.err");
    simpleLoggerDefault("defaultLogLevel", "info");
    simpleLoggerDefault("showThreadName", "false");
    simpleLoggerDefault("showLogName", "false");
    simpleLoggerDefault("levelInBrackets", "true");
    simpleLoggerDefault("log.io.jhdf", "warn");
  }

  private static void simpleLoggerDefault(String key, String value) {
    String k = "org.slf4j.simpleLogger." + key;
    if (System.getProperty(k) == null) {
      System.setProperty(k, value);
    }
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Handled in {@link #run(String...)} before anything loads; declared here for --help. */
  @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "Also show TensorFlow's native log and KerasBridge's DEBUG lines.")
  boolean verbose;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code (tests call this instead of {@link #main}). */
  public static int run(String... args) {
    for (String a : args) {
      if (a.equals("--")) {
        break;
      }
      if (a.equals("--verbose")) {
        // before anything loads TensorFlow or creates a logger
        System.setProperty(NativeLogging.VERBOSE_PROPERTY, "true");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
      }
    }
    NativeLogging.configure();
    // the CLI's own output: Keras's progress bar on stdout (the library default is SLF4J)
    ProgressSink.setDefault(ProgressSink.console(System.out));
    CommandLine cl = commandLine();
    return cl.execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      if (ex instanceof KerasBridgeException) {
        err.println("kerasbridge: error: " + ex.getMessage());
        err.flush();
        return BAD_INPUT;
      }
      if (ex instanceof java.io.UncheckedIOException) {
        err.println("kerasbridge: error: " + ex.getMessage());
        err.flush();
        return BAD_INPUT;
      }
      err.println("kerasbridge: internal error: " + ex);
      ex.printStackTrace(err);
      err.flush();
      return INTERNAL_ERROR;
    });
    cl.setParameterExceptionHandler((ex, args) -> {
      PrintWriter err = ex.getCommandLine().getErr();
      err.println("kerasbridge: usage error: " + ex.getMessage());
      err.println("(run 'kerasbridge " + ex.getCommandLine().getCommandName().replace(
          "kerasbridge", "").trim() + " --help' for usage)");
      err.flush();
      return BAD_INPUT;
    });
    return cl;
  }

  /** Prints the library and TensorFlow versions. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"kerasbridge " + (v == null ? "(development build)" : v),
          "TensorFlow " + org.tensorflow.TensorFlow.version()};
    }
  }
}
