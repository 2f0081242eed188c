package io.switchboard.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class GracefulShutdownIT {
  @Test
  void aRequestInFlightWhenStopIsCalledStillGetsItsAnswer() throws Exception {
    TestServer server = TestServer.start();
    var org = server.newOrg();
    String token = server.api().token(org);
    int port = server.port();
    String body = "{\"name\":\"late\",\"scope\":[\"scripts\"]}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      String head =
          "POST /api/v2/oauth/clients HTTP/1.1\r\n"
              + "Host: 127.0.0.1\r\n"
              + "Connection: close\r\n"
              + "Authorization: Bearer "
              + token
              + "\r\nContent-Type: application/json\r\nContent-Length: "
              + bytes.length
              + "\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.write(bytes, 0, 10); // half a body: the request is now in the handler, reading
      out.flush();
      Thread.sleep(300);

      CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::close);
      Thread.sleep(300);
      assertThat(stopping).as("stop waits for the in-flight request").isNotDone();

      out.write(bytes, 10, bytes.length - 10);
      out.flush();
      var response = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(response);
      assertThat(response.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 201");
      stopping.get();
    }
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
  }
}
