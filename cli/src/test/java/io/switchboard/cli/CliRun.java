package io.switchboard.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs the CLI in this JVM and captures what it prints. */
public final class CliRun {
  private CliRun() {}

  public record Result(int exitCode, String out, String err) {}

  public static Result run(String... args) {
    PrintStream originalOut = System.out;
    var captured = new ByteArrayOutputStream();
    var err = new StringWriter();
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      CommandLine cli = Main.commandLine();
      cli.setErr(new PrintWriter(err, true));
      int code = cli.execute(args);
      return new Result(code, captured.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(originalOut);
    }
  }
}
