package org.kerasbridge.cli;

import picocli.CommandLine;

/** The CLI's configured command line (exit-code handlers included), for tests in other packages. */
public final class MainAccess {
  private MainAccess() {}

  public static CommandLine commandLine() {
    return Main.commandLine();
  }

  /** What one in-process CLI run returned and printed. */
  public record Run(int code, String out, String err) {}

  /** Runs the CLI in-process with {@code args}, capturing its stdout and stderr. */
  public static Run run(String... args) {
    CommandLine cl = Main.commandLine();
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    cl.setOut(new java.io.PrintWriter(out));
    cl.setErr(new java.io.PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
