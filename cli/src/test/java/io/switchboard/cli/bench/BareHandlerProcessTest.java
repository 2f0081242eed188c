package io.switchboard.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The peer benchmark's baseline runs in a JVM of its own, answers the bytes and stops. */
class BareHandlerProcessTest {
  @Test
  void servesTheBytesAtEachPathFromItsOwnProcessUntilClosed(@TempDir Path dir) throws Exception {
    byte[] body = "{\"name\":\"same bytes\",\"n\":1}".getBytes(StandardCharsets.UTF_8);
    ProcessHandle child;
    try (var bare = BareHandlerProcess.start(dir, List.of("/published", "/api/v2/x/y"), body)) {
      child = bare.handle();
      assertThat(child.pid()).isNotEqualTo(ProcessHandle.current().pid());
      var answer =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bare.port + "/published"))
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo(body);
      assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
      // The server's HTTP settings: no Server header.
      assertThat(answer.headers().firstValue("Server")).isEmpty();
      var second =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + bare.port + "/api/v2/x/y"))
                      .header("Authorization", "Bearer ignored")
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertThat(second.statusCode()).isEqualTo(200);
      assertThat(second.body()).isEqualTo(body);
      assertThat(child.info().totalCpuDuration()).isPresent();
      assertThat(Files.readString(dir.resolve("bare-body"))).isEqualTo(new String(body));
    }
    assertThat(child.onExit().get(15, java.util.concurrent.TimeUnit.SECONDS).isAlive()).isFalse();
  }
}
