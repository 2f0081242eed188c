package io.switchboard.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A real HTTP proxy on loopback in front of the real server, for tests that need the server to say
 * something it would not say on its own (a 429 with Retry-After, an error for one id). Everything
 * else is forwarded.
 */
final class ForwardingProxy implements AutoCloseable {
  private static final List<String> REQUEST_HEADERS =
      List.of("Authorization", "Content-Type", "Accept", "If-Match", "ININ-Correlation-Id");
  private static final List<String> RESPONSE_HEADERS =
      List.of("Content-Type", "Retry-After", "ETag", "ININ-Correlation-Id");

  /** Decides, per request, whether to answer instead of forwarding; returns false to forward. */
  @FunctionalInterface
  interface Fault {
    boolean answer(HttpExchange exchange, byte[] body) throws IOException;
  }

  record Seen(String method, String path, int status, long atNanos) {}

  private final HttpServer server;
  private final HttpClient client = HttpClient.newHttpClient();
  final List<Seen> seen = new CopyOnWriteArrayList<>();

  ForwardingProxy(String target, Fault fault) {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/",
        ex -> {
          try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String path =
                ex.getRequestURI().getRawPath()
                    + (ex.getRequestURI().getRawQuery() == null
                        ? ""
                        : "?" + ex.getRequestURI().getRawQuery());
            long at = System.nanoTime();
            if (fault.answer(ex, body)) {
              seen.add(new Seen(ex.getRequestMethod(), path, ex.getResponseCode(), at));
              return;
            }
            var b =
                HttpRequest.newBuilder(URI.create(target + path))
                    .method(
                        ex.getRequestMethod(),
                        body.length == 0
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String h : REQUEST_HEADERS) {
              String v = ex.getRequestHeaders().getFirst(h);
              if (v != null) b.header(h, v);
            }
            HttpResponse<byte[]> r =
                client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            for (String h : RESPONSE_HEADERS)
              r.headers().firstValue(h).ifPresent(v -> ex.getResponseHeaders().set(h, v));
            ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
            if (r.body().length > 0) ex.getResponseBody().write(r.body());
            seen.add(new Seen(ex.getRequestMethod(), path, r.statusCode(), at));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  static void answer(HttpExchange ex, int status, String json, String... headers)
      throws IOException {
    byte[] bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    for (int i = 0; i < headers.length; i += 2)
      ex.getResponseHeaders().set(headers[i], headers[i + 1]);
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
    client.close();
  }
}
