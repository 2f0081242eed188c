package io.switchboard.cli.bench;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * WireMock standalone (the jar {@code bench/peer.sh} fetches from Maven Central) in a JVM of its
 * own on loopback, with one stub answering fixed bytes: the peer a mock server offers. Its request
 * journal and request logging are off, as a load-test setup would have them.
 */
final class WireMockProcess implements AutoCloseable {
  private final Process process;
  final int port;

  private WireMockProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  static WireMockProcess start(Path jar, Path log, String path, byte[] body, String etag)
      throws Exception {
    int port;
    try (var probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "-jar",
                    jar.toString(),
                    "--port",
                    Integer.toString(port),
                    "--bind-address",
                    "127.0.0.1",
                    "--disable-banner",
                    "--no-request-journal",
                    "--disable-request-logging"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    var wm = new WireMockProcess(p, port);
    try {
      var http = HttpClient.newHttpClient();
      String admin = "http://127.0.0.1:" + port + "/__admin";
      // Started when its admin API answers; a JVM start on a loaded machine takes seconds.
      Failsafe.with(
              RetryPolicy.<HttpResponse<String>>builder()
                  .handle(IOException.class)
                  .handleResultIf(r -> r.statusCode() != 200)
                  .withDelay(Duration.ofMillis(200))
                  .withMaxDuration(Duration.ofSeconds(60))
                  .withMaxRetries(-1)
                  .abortIf((r, e) -> !p.isAlive())
                  .build())
          .get(() ->
              http.send(
                  HttpRequest.newBuilder(URI.create(admin + "/health")).build(),
                  HttpResponse.BodyHandlers.ofString()));
      String stub =
          "{\"request\":{\"method\":\"GET\",\"url\":\""
              + path
              + "\"},\"response\":{\"status\":200,\"base64Body\":\""
              + Base64.getEncoder().encodeToString(body)
              + "\",\"headers\":{\"Content-Type\":\"application/json\",\"ETag\":"
              + "\""
              + etag.replace("\"", "\\\"")
              + "\"}}}";
      var created =
          http.send(
              HttpRequest.newBuilder(URI.create(admin + "/mappings"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(stub))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (created.statusCode() != 201)
        throw new IllegalStateException("WireMock refused the stub: " + created.body());
      return wm;
    } catch (Exception e) {
      wm.close();
      throw new IllegalStateException(
          "WireMock did not start (its log: " + log + "): " + e.getMessage(), e);
    }
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
