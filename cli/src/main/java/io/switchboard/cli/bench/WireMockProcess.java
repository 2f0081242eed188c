package io.switchboard.cli.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * WireMock standalone (the jar {@code bench/peer.sh} fetches from Maven Central) in a JVM of its
 * own on loopback, with one stub answering fixed bytes: the peer a mock server offers. Its request
 * journal and request logging are off, as a load-test setup would have them.
 */
final class WireMockProcess implements AutoCloseable {
  private final ChildJvm jvm;
  final int port;

  private WireMockProcess(ChildJvm jvm, int port) {
    this.jvm = jvm;
    this.port = port;
  }

  ProcessHandle handle() {
    return jvm.handle();
  }

  static WireMockProcess start(Path jar, Path log, String path, byte[] body, String etag)
      throws Exception {
    int port = ChildJvm.freePort();
    var jvm =
        ChildJvm.start(
            List.of(),
            List.of(
                "-jar",
                jar.toString(),
                "--port",
                Integer.toString(port),
                "--bind-address",
                "127.0.0.1",
                "--disable-banner",
                "--no-request-journal",
                "--disable-request-logging"),
            log);
    try {
      String admin = "http://127.0.0.1:" + port + "/__admin";
      jvm.awaitAnswer(URI.create(admin + "/health"));
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
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(admin + "/mappings"))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(stub))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (created.statusCode() != 201)
        throw new IllegalStateException("WireMock refused the stub: " + created.body());
      return new WireMockProcess(jvm, port);
    } catch (Exception e) {
      jvm.close();
      throw new IllegalStateException(
          "WireMock did not start (its log: " + log + "): " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    jvm.close();
  }
}
