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

  /**
   * Runs the command {@code words} against a server as an OAuth client ({@code --base-url}, {@code
   * --client-id} and {@code --client-secret} after the words, then {@code options}), capturing what
   * it writes to its own out and err: the commands over the API write there.
   */
  public static Result overApi(
      String baseUrl,
      String clientId,
      String clientSecret,
      java.util.List<String> words,
      String... options) {
    var all = new java.util.ArrayList<>(words);
    all.addAll(
        java.util.List.of(
            "--base-url", baseUrl, "--client-id", clientId, "--client-secret", clientSecret));
    all.addAll(java.util.List.of(options));
    var out = new StringWriter();
    var err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

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
