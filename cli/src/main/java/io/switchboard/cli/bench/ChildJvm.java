package io.switchboard.cli.bench;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A benchmark peer in a JVM of its own, started with this JVM's {@code java}: a process whose CPU
 * is its own and whose JIT profile no other target pollutes (a handler sharing a JVM with
 * Switchboard ran its Jetty code through call sites Switchboard had made polymorphic: 10-20% slower
 * than in a JVM of its own).
 */
final class ChildJvm implements AutoCloseable {
  private final Process process;

  private ChildJvm(Process process) {
    this.process = process;
  }

  /**
   * Starts {@code arguments} (a {@code -jar} or a main class with its arguments), output to log.
   */
  static ChildJvm start(List<String> jvmOptions, List<String> arguments, Path log)
      throws IOException {
    var command = new ArrayList<String>();
    command.add(java());
    command.addAll(jvmOptions);
    command.addAll(arguments);
    return new ChildJvm(
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start());
  }

  /**
   * This JVM's options that a peer of it should run with too (heap, flags), without those that
   * belong to this process alone: its class-data archive (which the launcher writes per command),
   * agents and recordings.
   */
  static List<String> inheritedOptions() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(o -> !o.contains("SharedArchive"))
        .filter(o -> !o.startsWith("-Xlog:cds"))
        .filter(o -> !o.startsWith("-agentlib") && !o.startsWith("-javaagent"))
        .filter(o -> !o.contains("FlightRecord"))
        .toList();
  }

  /** This JVM's {@code java} launcher. */
  static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /**
   * Waits until {@code url} answers 200: a JVM start on a loaded machine takes seconds. Fails if
   * the process exits first or a minute passes.
   */
  void awaitAnswer(URI url) {
    var http = HttpClient.newHttpClient();
    HttpResponse<Void> last =
        Failsafe.with(
                RetryPolicy.<HttpResponse<Void>>builder()
                    .handle(IOException.class)
                    .handleResultIf(r -> r.statusCode() != 200)
                    .withDelay(Duration.ofMillis(200))
                    .withMaxDuration(Duration.ofSeconds(60))
                    .withMaxRetries(-1)
                    .abortIf((r, e) -> !process.isAlive())
                    .build())
            .get(() ->
                http.send(
                    HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.discarding()));
    // Out of retries (time, or the process gone) Failsafe hands back the last answer as it was.
    if (last == null || last.statusCode() != 200 || !process.isAlive())
      throw new IllegalStateException(
          url + " did not answer 200 (last: " + (last == null ? "none" : last.statusCode()) + ")");
  }

  /** A free loopback port for a child to listen on. */
  static int freePort() throws IOException {
    try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  /**
   * Runs a JDK tool of this java ({@code jcmd}, {@code jstat}) and answers its output; fails if the
   * tool does (a JFR command refused, a process gone).
   */
  static String jdkTool(String tool, String... args) throws IOException, InterruptedException {
    var command = new ArrayList<String>();
    command.add(Path.of(java()).resolveSibling(tool).toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    // Read to the end (the tool's exit closes it), then its exit status.
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0)
      throw new IOException(tool + " " + String.join(" ", args) + " failed: " + out.strip());
    return out;
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
