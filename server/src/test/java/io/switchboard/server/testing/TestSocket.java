package io.switchboard.server.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real WebSocket client (for notification channels) (java.net.http) that records every message
 * and the close.
 */
public final class TestSocket implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public record Closed(int code, String reason) {}

  public final LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
  public final CompletableFuture<Closed> closed = new CompletableFuture<>();
  private final WebSocket socket;

  private TestSocket(WebSocket socket) {
    this.socket = socket;
  }

  public static TestSocket connect(String uri) {
    var holder = new TestSocket[1];
    var listener =
        new WebSocket.Listener() {
          private final StringBuilder partial = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
              holder[0].messages.add(JSON.readTree(partial.toString()));
              partial.setLength(0);
            }
            ws.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            holder[0].closed.complete(new Closed(code, reason));
            return null;
          }

          @Override
          public void onError(WebSocket ws, Throwable error) {
            holder[0].closed.complete(new Closed(-1, error.toString()));
          }
        };
    // The listener may be called before join() returns: the holder is set first.
    var pending = new CompletableFuture<TestSocket>();
    WebSocket ws =
        HTTP.newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .buildAsync(
                URI.create(uri),
                new WebSocket.Listener() {
                  @Override
                  public void onOpen(WebSocket w) {
                    holder[0] = new TestSocket(w);
                    pending.complete(holder[0]);
                    w.request(1);
                  }

                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence d, boolean last) {
                    return listener.onText(w, d, last);
                  }

                  @Override
                  public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                    return listener.onClose(w, code, reason);
                  }

                  @Override
                  public void onError(WebSocket w, Throwable error) {
                    listener.onError(w, error);
                  }
                })
            .join();
    return pending.join();
  }

  public void send(String text) {
    socket.sendText(text, true).join();
  }

  /** The next message that is not a heartbeat, within {@code seconds}; fails when none comes. */
  public JsonNode next(int seconds) throws InterruptedException {
    return next(seconds, m -> !isHeartbeat(m));
  }

  public JsonNode next(int seconds, Predicate<JsonNode> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      long left = deadline - System.nanoTime();
      JsonNode m = left <= 0 ? null : messages.poll(left, TimeUnit.NANOSECONDS);
      if (m == null) throw new AssertionError("no message within " + seconds + " s");
      if (wanted.test(m)) return m;
    }
  }

  /**
   * Returns once the server holds this socket: it answers a ping only then. A handshake that
   * completed on the client's side does not yet mean the server has registered the socket, so an
   * event published in between would not reach it.
   */
  public void awaitHeld() throws InterruptedException {
    send("{\"message\":\"ping\"}");
    next(10, m -> m.path("eventBody").path("message").asString("").equals("pong"));
  }

  /** Events (not heartbeats) that arrive within {@code millis}. */
  public List<JsonNode> drain(long millis) throws InterruptedException {
    var out = new ArrayList<JsonNode>();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return out;
      JsonNode m = messages.poll(left, TimeUnit.NANOSECONDS);
      if (m != null && !isHeartbeat(m)) out.add(m);
    }
  }

  public Closed awaitClose(int seconds) throws Exception {
    return closed.get(seconds, TimeUnit.SECONDS);
  }

  public static boolean isHeartbeat(JsonNode m) {
    return "channel.metadata".equals(m.path("topicName").asString(""))
        && "WebSocket Heartbeat".equals(m.path("eventBody").path("message").asString(""));
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    socket.abort();
  }
}
