package io.switchboard.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A forwarding proxy in front of the real server that injects the failures the real server does not
 * produce on demand (502/503/504, dropped connections) and records every request it sees.
 * Everything not matched by a fault reaches the real server unchanged, so tokens, bodies and errors
 * stay real.
 */
final class FaultProxy implements AutoCloseable {
  private static final Set<String> HOP_HEADERS =
      Set.of(
          "connection",
          "content-length",
          "expect",
          "host",
          "upgrade",
          "transfer-encoding",
          "keep-alive");

  /** What the proxy saw. */
  record Seen(
      String method,
      String path,
      String orgHeader,
      String idempotencyKey,
      String authorization,
      String userAgent) {}

  /** A failure to answer with instead of forwarding; {@code status} 0 drops the connection. */
  record Fault(int status, String retryAfter, String body) {
    static Fault status(int status) {
      return new Fault(
          status,
          null,
          "{\"message\":\"injected\",\"code\":\"injected."
              + status
              + "\",\"status\":"
              + status
              + "}");
    }

    static Fault status(int status, int retryAfterSeconds) {
      return new Fault(
          status,
          Integer.toString(retryAfterSeconds),
          "{\"message\":\"injected\",\"code\":\"injected."
              + status
              + "\",\"status\":"
              + status
              + "}");
    }

    static Fault drop() {
      return new Fault(0, null, null);
    }

    /**
     * The request reaches the server, which acts on it; its answer is then lost on the way back.
     */
    static Fault dropAnswer() {
      return new Fault(-1, null, null);
    }
  }

  private record Rule(Predicate<Seen> match, Fault fault, AtomicInteger remaining) {}

  private final HttpServer server;
  private final String target;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
  private final AtomicInteger replayed = new AtomicInteger();

  private FaultProxy(String target) throws IOException {
    this.target = target;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  static FaultProxy before(String targetBaseUrl) {
    try {
      return new FaultProxy(targetBaseUrl);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The next {@code times} requests matching {@code match} get {@code fault}. */
  void inject(Predicate<Seen> match, Fault fault, int times) {
    rules.add(new Rule(match, fault, new AtomicInteger(times)));
  }

  /** Answers the server marked {@code Idempotent-Replayed: true}. */
  int replayed() {
    return replayed.get();
  }

  void clearFaults() {
    rules.clear();
  }

  /** Requests seen so far that match. */
  long count(Predicate<Seen> match) {
    return seen.stream().filter(match).count();
  }

  List<Seen> seen() {
    return List.copyOf(seen);
  }

  static Predicate<Seen> request(String method, String pathPrefix) {
    return s -> s.method().equals(method) && s.path().startsWith(pathPrefix);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      var s =
          new Seen(
              ex.getRequestMethod(),
              ex.getRequestURI().toString(),
              ex.getRequestHeaders().getFirst("X-Genesys-Organization-Id"),
              ex.getRequestHeaders().getFirst("Idempotency-Key"),
              ex.getRequestHeaders().getFirst("Authorization"),
              ex.getRequestHeaders().getFirst("User-Agent"));
      seen.add(s);
      byte[] body = ex.getRequestBody().readAllBytes();
      for (Rule r : rules) {
        if (r.match().test(s) && r.remaining().getAndDecrement() > 0) {
          if (r.fault().status() == -1) forward(ex, body, true);
          else answer(ex, r.fault());
          return;
        }
      }
      forward(ex, body, false);
    }
  }

  private static void answer(HttpExchange ex, Fault f) throws IOException {
    ex.getResponseHeaders().set("Connection", "close");
    if (f.status() == 0) {
      // The connection dies in the middle of the answer. (Closing before the first byte would not
      // do: the JDK
      // client silently resends a GET once in that case, which would blur the count of the client's
      // attempts.)
      ex.sendResponseHeaders(200, 1000);
      ex.getResponseBody().write("{\"partial\":".getBytes(StandardCharsets.UTF_8));
      ex.getResponseBody().flush();
      return; // closing the exchange now, 988 bytes short, closes the connection
    }
    if (f.retryAfter() != null) ex.getResponseHeaders().set("Retry-After", f.retryAfter());
    ex.getResponseHeaders().set("Content-Type", "application/json");
    byte[] bytes = f.body().getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(f.status(), bytes.length);
    ex.getResponseBody().write(bytes);
  }

  private void forward(HttpExchange ex, byte[] body, boolean dropAnswer) throws IOException {
    var b =
        HttpRequest.newBuilder(URI.create(target + ex.getRequestURI()))
            .timeout(Duration.ofSeconds(30));
    ex.getRequestHeaders()
        .forEach((name, values) -> {
          if (!HOP_HEADERS.contains(name.toLowerCase())) values.forEach(v -> b.header(name, v));
        });
    b.method(
        ex.getRequestMethod(),
        body.length == 0
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    HttpResponse<byte[]> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    if (r.headers().firstValue("Idempotent-Replayed").orElse("").equals("true"))
      replayed.incrementAndGet();
    if (dropAnswer) {
      answer(ex, Fault.drop());
      return;
    }
    r.headers()
        .map()
        .forEach((name, values) -> {
          if (!HOP_HEADERS.contains(name.toLowerCase()) && !name.startsWith(":"))
            ex.getResponseHeaders().put(name, values);
        });
    ex.getResponseHeaders().set("Connection", "close");
    boolean empty = r.body().length == 0 || r.statusCode() == 304 || r.statusCode() == 204;
    ex.sendResponseHeaders(r.statusCode(), empty ? -1 : r.body().length);
    if (!empty) ex.getResponseBody().write(r.body());
  }

  @Override
  public void close() {
    server.stop(0);
    http.close();
  }
}
