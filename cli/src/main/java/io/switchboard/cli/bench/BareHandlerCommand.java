package io.switchboard.cli.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code switchboard bench bare}: the bare handler on its own, the child the peer benchmark starts
 * ({@link BareHandlerProcess}). Serves until it is stopped or the process that started it exits.
 */
@Command(
    name = "bare",
    hidden = true,
    mixinStandardHelpOptions = true,
    description =
        "A bare Javalin handler serving a file's bytes as JSON (the peer benchmark's baseline).")
public final class BareHandlerCommand implements Callable<Integer> {
  @Option(names = "--port", required = true, description = "Loopback port to listen on.")
  int port;

  @Option(
      names = "--path",
      required = true,
      description = "A path that answers (repeatable: each answers the same bytes).")
  List<String> paths;

  @Option(names = "--body", required = true, description = "The file whose bytes it answers.")
  Path body;

  @Option(
      names = "--jetty",
      description = "A Jetty handler alone (no servlet layer, no Javalin) instead of Javalin's.")
  boolean jetty;

  @Override
  public Integer call() throws Exception {
    byte[] bytes = Files.readAllBytes(body);
    var answers = new LinkedHashMap<String, byte[]>();
    for (String path : paths) answers.put(path, bytes);
    AutoCloseable serving =
        jetty
            ? BareHandler.startJetty(port, answers)::stop
            : BareHandler.start(port, answers)::stop;
    var stopped = new CountDownLatch(1);
    // A benchmark killed outright does not leave its baseline serving.
    ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(stopped::countDown));
    stopped.await();
    serving.close();
    return 0;
  }
}
