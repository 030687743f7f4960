package org.kerasbridge.cli;

import picocli.CommandLine;

/** The CLI's configured command line (exit-code handlers included), for tests in other packages. */
public final class MainAccess {
  private MainAccess() {}

  public static CommandLine commandLine() {
    return Main.commandLine();
  }
}
