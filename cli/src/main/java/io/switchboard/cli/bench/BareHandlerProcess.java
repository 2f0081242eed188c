package io.switchboard.cli.bench;

import io.switchboard.cli.Main;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The bare handler ({@link BareHandler}) in a JVM of its own with this JVM's options, started as
 * {@code switchboard bench bare}: the peer benchmark's baseline. Profiled on demand with {@code
 * jcmd}'s JFR commands.
 */
final class BareHandlerProcess implements AutoCloseable {
  private final ChildJvm jvm;
  final int port;

  private BareHandlerProcess(ChildJvm jvm, int port) {
    this.jvm = jvm;
    this.port = port;
  }

  /**
   * Serves {@code body} at each of {@code paths}; {@code dir} holds the body file and the child's
   * log.
   */
  static BareHandlerProcess start(Path dir, List<String> paths, byte[] body) throws Exception {
    return start(dir, paths, body, false);
  }

  /** {@code jetty}: the Jetty handler alone ({@link BareHandler#startJetty}), not Javalin's. */
  static BareHandlerProcess start(Path dir, List<String> paths, byte[] body, boolean jetty)
      throws Exception {
    String name = jetty ? "bare-jetty" : "bare";
    Path bodyFile = Files.write(dir.resolve(name + "-body"), body);
    Path log = dir.resolve(name + ".log");
    int port = ChildJvm.freePort();
    var arguments =
        new ArrayList<>(
            List.of(
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "bench",
                "bare",
                "--port",
                Integer.toString(port),
                "--body",
                bodyFile.toString()));
    for (String path : paths) arguments.addAll(List.of("--path", path));
    if (jetty) arguments.add("--jetty");
    var jvm = ChildJvm.start(ChildJvm.inheritedOptions(), arguments, log);
    try {
      jvm.awaitAnswer(URI.create("http://127.0.0.1:" + port + paths.getFirst()));
      return new BareHandlerProcess(jvm, port);
    } catch (RuntimeException e) {
      jvm.close();
      throw new IllegalStateException(
          "the bare handler did not start (its log: " + log + "): " + e.getMessage(), e);
    }
  }

  ProcessHandle handle() {
    return jvm.handle();
  }

  /** Starts a JFR recording in the child (profile settings, a sample per ms) into {@code file}. */
  void startRecording(Path file) throws IOException, InterruptedException {
    ChildJvm.jdkTool(
        "jcmd",
        Long.toString(handle().pid()),
        "JFR.start",
        "name=bench",
        "settings=profile",
        "method-profiling=max",
        "filename=" + file.toAbsolutePath());
  }

  /** Stops the recording {@link #startRecording} started, writing its file. */
  void stopRecording() throws IOException, InterruptedException {
    ChildJvm.jdkTool("jcmd", Long.toString(handle().pid()), "JFR.stop", "name=bench");
  }

  @Override
  public void close() {
    jvm.close();
  }
}
