package io.switchboard.server.externalapis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * The one outbound HTTP client of the server, shared by every external API (and later the flow
 * runtime).
 *
 * <ul>
 *   <li>Egress-checked on the address actually connected to: this is Jetty's {@link HttpClient},
 *       not {@code java.net.http}, because Jetty lets us replace the step between resolving a name
 *       and connecting ({@link SocketAddressResolver}). {@link Egress} resolves the host once and
 *       hands back only the addresses it permits, and the client connects to exactly those. With
 *       {@code java.net.http} the resolution happens inside the client (a check before it would
 *       race a DNS rebind), a request sent to the IP would lose TLS host-name checks and SNI, and
 *       the {@code Host} header cannot be set.
 *   <li>Bounded: at most {@code maxConcurrent} exchanges are in flight, so at most that many
 *       connections are open (HTTP/1.1, one exchange per connection; idle ones are kept alive and
 *       reused). A caller waits for a slot only within its own deadline.
 *   <li>No platform thread per call: the client runs on virtual threads and callers (virtual
 *       threads themselves) park on a future.
 *   <li>A deadline covers the whole exchange, body included, and aborts it when it passes; the body
 *       is read up to {@code maxResponseBytes}.
 *   <li>Redirects are not followed: a data action answers where it was told to call, and a
 *       credential never travels to a host a redirect names.
 * </ul>
 *
 * Callers build a {@code java.net.http.HttpRequest} (a plain value: URI, method, headers, body) and
 * get the answer's headers as {@code java.net.http.HttpHeaders}, so the engine does not depend on
 * the transport.
 */
public final class OutboundHttp implements AutoCloseable {
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient client;
  private final Semaphore slots;
  private final int maxResponseBytes;

  public OutboundHttp(int maxConcurrent, int maxResponseBytes, Egress egress) {
    this.slots = new Semaphore(maxConcurrent, true);
    this.maxResponseBytes = maxResponseBytes;
    this.client = new HttpClient();
    client.setExecutor(new VirtualThreadPool());
    client.setFollowRedirects(false);
    client.setConnectTimeout(10_000);
    client.setMaxConnectionsPerDestination(maxConcurrent);
    client.setMaxRequestsQueuedPerDestination(maxConcurrent);
    // Kept-alive connections a partner stopped using are closed after a while rather than held for
    // ever.
    client.setIdleTimeout(30_000);
    client.setUserAgentField(null);
    client.setSocketAddressResolver(new EgressResolver(egress, executor));
    try {
      client.start();
    } catch (Exception e) {
      throw new IllegalStateException("the outbound HTTP client did not start", e);
    }
    // Both are filled by start(). Bodies as sent: no Accept-Encoding of our own (the size cap
    // counts what the
    // API sends). No built-in 401/407 authentication, redirect or 100-continue handling: an answer
    // is
    // reported as it came.
    client.getContentDecoderFactories().clear();
    client.getProtocolHandlers().clear();
  }

  /** One answer, its body capped. */
  public record Response(int status, HttpHeaders headers, byte[] body) {}

  /** The response body was larger than allowed. */
  public static final class TooLargeException extends IOException {
    TooLargeException(int limit) {
      super("the response body exceeds " + limit + " bytes");
    }
  }

  /**
   * The executor for work that belongs with outbound calls (e.g. token fetches): virtual threads.
   */
  ExecutorService executor() {
    return executor;
  }

  int maxResponseBytes() {
    return maxResponseBytes;
  }

  /**
   * Sends and reads the whole answer before {@code deadlineNanos} ({@link System#nanoTime()}
   * based).
   *
   * @throws TimeoutException when the deadline passes first (the exchange is aborted)
   * @throws IOException when the connection fails, the target is refused by {@link Egress} ({@link
   *     Egress.DeniedException}) or the body is too large
   */
  public Response send(HttpRequest request, long deadlineNanos)
      throws IOException, TimeoutException {
    long wait = deadlineNanos - System.nanoTime();
    try {
      if (wait <= 0 || !slots.tryAcquire(wait, TimeUnit.NANOSECONDS))
        throw new TimeoutException("no free outbound connection before the deadline");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for an outbound connection", e);
    }
    // From here a slot is held; every path below gives it back.
    Request outgoing = null;
    try {
      outgoing = toJetty(request, Math.max(1, deadlineNanos - System.nanoTime()));
      var answer = new CappedAnswer(maxResponseBytes);
      outgoing.send(answer);
      return answer.result.get(
          Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      if (outgoing != null) outgoing.abort(e);
      throw e;
    } catch (InterruptedException e) {
      if (outgoing != null) outgoing.abort(e);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      throw failure(e.getCause());
    } finally {
      slots.release();
    }
  }

  private Request toJetty(HttpRequest request, long timeoutNanos) {
    Request r =
        client
            .newRequest(request.uri())
            .method(request.method())
            .timeout(timeoutNanos, TimeUnit.NANOSECONDS);
    r.headers(h ->
        request.headers().map().forEach((name, values) -> values.forEach(v -> h.add(name, v))));
    byte[] body = request.bodyPublisher().map(OutboundHttp::bytesOf).orElse(null);
    if (body != null && (body.length > 0 || !request.method().equals("GET")))
      r.body(new BytesRequestContent(body));
    return r;
  }

  /** The exception a caller sees, unwrapped to the cause that says what happened. */
  private static IOException failure(Throwable cause) throws TimeoutException {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof Egress.DeniedException denied) return denied;
      if (t instanceof TooLargeException tooLarge) return tooLarge;
      if (t instanceof TimeoutException)
        throw new TimeoutException("no answer before the deadline");
    }
    if (cause instanceof IOException io) return io;
    return new IOException(
        cause == null
            ? "request failed"
            : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(),
        cause);
  }

  @Override
  public void close() {
    try {
      client.stop();
    } catch (Exception e) {
      // Closing: nothing left to do about it.
    }
    executor.shutdownNow();
  }

  /**
   * Resolves once, lets {@link Egress} filter, and hands Jetty only the permitted addresses to
   * connect to.
   */
  private record EgressResolver(Egress egress, ExecutorService executor)
      implements SocketAddressResolver {
    @Override
    public void resolve(
        String host,
        int port,
        Map<String, Object> context,
        Promise<List<InetSocketAddress>> promise) {
      // Name look-ups block: on a virtual thread, not on Jetty's selector.
      executor.execute(() -> {
        try {
          var out = new ArrayList<InetSocketAddress>();
          for (InetAddress a : egress.resolve(host)) out.add(new InetSocketAddress(a, port));
          promise.succeeded(out);
        } catch (IOException | RuntimeException e) {
          promise.failed(e);
        }
      });
    }
  }

  /**
   * Collects the body up to a limit and then aborts the exchange rather than buffering without end.
   */
  private static final class CappedAnswer implements org.eclipse.jetty.client.Response.Listener {
    final CompletableFuture<Response> result = new CompletableFuture<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final int limit;

    CappedAnswer(int limit) {
      this.limit = limit;
    }

    @Override
    public void onContent(org.eclipse.jetty.client.Response response, ByteBuffer content) {
      if (out.size() + content.remaining() > limit) {
        response.abort(new TooLargeException(limit));
        return;
      }
      byte[] chunk = new byte[content.remaining()];
      content.get(chunk);
      out.write(chunk, 0, chunk.length);
    }

    @Override
    public void onComplete(Result r) {
      if (r.isFailed()) {
        result.completeExceptionally(r.getFailure());
        return;
      }
      var headers = new LinkedHashMap<String, List<String>>();
      for (var field : r.getResponse().getHeaders())
        headers.computeIfAbsent(field.getName(), k -> new ArrayList<>()).add(field.getValue());
      result.complete(
          new Response(
              r.getResponse().getStatus(),
              HttpHeaders.of(headers, (a, b) -> true),
              out.toByteArray()));
    }
  }

  /** The bytes of a request body publisher (ours are in-memory: byte arrays and strings). */
  private static byte[] bytesOf(HttpRequest.BodyPublisher publisher) {
    var collected = new CompletableFuture<byte[]>();
    publisher.subscribe(
        new Flow.Subscriber<ByteBuffer>() {
          private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

          @Override
          public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(ByteBuffer item) {
            byte[] chunk = new byte[item.remaining()];
            item.get(chunk);
            buffer.write(chunk, 0, chunk.length);
          }

          @Override
          public void onError(Throwable t) {
            collected.completeExceptionally(t);
          }

          @Override
          public void onComplete() {
            collected.complete(buffer.toByteArray());
          }
        });
    return collected.join();
  }
}
