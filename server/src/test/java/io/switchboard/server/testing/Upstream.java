package io.switchboard.server.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on a free loopback port standing in for a partner's API in tests: each path
 * gets a handler, and every request it receives is recorded (method, URI, headers, body, arrival
 * time).
 */
public final class Upstream implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, List<Received>> received = new ConcurrentHashMap<>();
  private final CountDownLatch closing = new CountDownLatch(1);

  /** One request as it arrived. Header names are lower-case. */
  public record Received(
      String method, String rawUri, Map<String, List<String>> headers, String body, long atNanos) {
    public String header(String name) {
      List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
      return v == null || v.isEmpty() ? null : v.get(0);
    }
  }

  /** Answers one exchange; {@link #reply} does the writing. */
  @FunctionalInterface
  public interface Handler {
    void handle(HttpExchange exchange, Received request) throws Exception;
  }

  private Upstream(HttpServer server) {
    this.server = server;
  }

  public static Upstream start() {
    return start(0);
  }

  /**
   * {@code backlog}: pending connections the socket queues (0: the system default, ~50); a
   * benchmark opening thousands of connections at once needs more.
   */
  public static Upstream start(int backlog) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), backlog);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.start();
      return new Upstream(server);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  public Upstream on(String path, Handler handler) {
    received.put(path, new CopyOnWriteArrayList<>());
    server.createContext(
        path,
        exchange -> {
          try (exchange) {
            var headers = new java.util.LinkedHashMap<String, List<String>>();
            exchange
                .getRequestHeaders()
                .forEach(
                    (k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
            var r =
                new Received(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath()
                        + (exchange.getRequestURI().getRawQuery() == null
                            ? ""
                            : "?" + exchange.getRequestURI().getRawQuery()),
                    headers,
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    System.nanoTime());
            received.get(path).add(r);
            handler.handle(exchange, r);
          } catch (Exception e) {
            // A handler that gave up (the client went away) has nothing left to say.
          }
        });
    return this;
  }

  public List<Received> received(String path) {
    return received.getOrDefault(path, List.of());
  }

  /**
   * Waits up to {@code ms} for the test to end; lets a "slow" handler hang without a bare sleep.
   */
  public void hang(long ms) throws InterruptedException {
    closing.await(ms, TimeUnit.MILLISECONDS);
  }

  public static void reply(
      HttpExchange ex, int status, String contentType, String body, String... headers)
      throws IOException {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (contentType != null) ex.getResponseHeaders().set("Content-Type", contentType);
    for (int i = 0; i < headers.length; i += 2)
      ex.getResponseHeaders().add(headers[i], headers[i + 1]);
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) ex.getResponseBody().write(bytes);
  }

  public static void json(HttpExchange ex, int status, String body, String... headers)
      throws IOException {
    reply(ex, status, "application/json", body, headers);
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
  }
}
