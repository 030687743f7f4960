/** The {@code kerasbridge} command line: thin picocli commands over the library. */
package org.kerasbridge.cli;
