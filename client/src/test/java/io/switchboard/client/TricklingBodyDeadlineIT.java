package io.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.server.testing.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The deadline bounds the whole call, reading the body included (issue 17, correctness 2): an
 * upstream that sends its headers at once and then one byte every 500 ms must not hold a 2 s call
 * for the 10 s its body takes.
 */
class TricklingBodyDeadlineIT {
  static TestServer server;
  static Scenario scenario;
  static HttpServer trickle;
  static HttpClient forwarder = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws IOException {
    server = TestServer.start();
    scenario = Scenario.in(server);
    trickle = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    trickle.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    trickle.createContext("/", TricklingBodyDeadlineIT::handle);
    trickle.start();
  }

  @AfterAll
  static void stop() {
    trickle.stop(0);
    forwarder.close();
    scenario.close();
    server.close();
  }

  /** Tokens come from the real server; every other answer trickles: 20 bytes, one per 500 ms. */
  private static void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      if (ex.getRequestURI().getPath().equals("/oauth/token")) {
        var request =
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/oauth/token"))
                .header("Authorization", ex.getRequestHeaders().getFirst("Authorization"))
                .header("Content-Type", ex.getRequestHeaders().getFirst("Content-Type"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<byte[]> r;
        try {
          r = forwarder.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(r.statusCode(), r.body().length);
        ex.getResponseBody().write(r.body());
        return;
      }
      ex.getResponseHeaders().set("Content-Type", "application/json");
      byte[] slow = "{\"items\":\"1234567\"}\n".getBytes();
      ex.sendResponseHeaders(200, slow.length);
      for (byte b : slow) {
        ex.getResponseBody().write(b);
        ex.getResponseBody().flush();
        Thread.sleep(500);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException clientWentAway) {
      // The client gave up at its deadline: what this test wants.
    }
  }

  @Test
  void aTwoSecondDeadlineEndsATricklingBodyAtTwoSeconds() {
    try (var client =
        scenario
            .clientBuilder(server)
            .baseUrl("http://127.0.0.1:" + trickle.getAddress().getPort())
            .deadline(Duration.ofSeconds(2))
            .build()) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> client.send(ApiRequest.get("/api/v2/users")))
          .isInstanceOf(DeadlineExceededException.class);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took).isLessThan(Duration.ofMillis(2_600)).isGreaterThan(Duration.ofMillis(1_500));
    }
  }
}
