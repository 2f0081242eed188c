package io.switchboard.server.externalapis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one outbound HTTP client of the server, shared by every external API (and later the flow runtime).
 *
 * <ul>
 *   <li>Bounded: at most {@code maxConcurrent} exchanges are in flight, so at most that many connections are
 *       open (HTTP/1.1, one exchange per connection; idle ones are kept alive and reused). A caller waits for
 *       a slot only within its own deadline.
 *   <li>No platform thread per call: the client's async machinery runs on virtual threads and callers (virtual
 *       threads themselves) park on a future.
 *   <li>A deadline covers the whole exchange, body included, and cancels it when it passes; the body is read
 *       up to {@code maxResponseBytes}.
 *   <li>Redirects are not followed: a data action answers where it was told to call.
 * </ul>
 */
public final class OutboundHttp implements AutoCloseable {
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient client;
  private final Semaphore slots;
  private final int maxResponseBytes;

  public OutboundHttp(int maxConcurrent, int maxResponseBytes) {
    this.slots = new Semaphore(maxConcurrent, true);
    this.maxResponseBytes = maxResponseBytes;
    this.client =
        HttpClient.newBuilder()
            .executor(executor)
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    executor.execute(this::warmUp);
  }

  /**
   * The first exchange of a JVM loads the client's classes, its TLS context and its timeout path: measured at
   * about 70-250 ms, and paid partly after the deadline of whoever calls first (an API with a 3000 ms timeout
   * reported 3077 ms after a restart). So at start-up, in the background, a plain and a TLS exchange with a loopback
   * socket that never answers go through {@link #send} and time out; afterwards a caller's budget is its own.
   */
  private void warmUp() {
    try (var silent = new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
      executor.execute(
          () -> {
            var held = new java.util.ArrayList<java.net.Socket>();
            try {
              while (true) held.add(silent.accept());
            } catch (IOException closed) {
              // The warm-up is over: let go of its connections.
              for (var s : held) {
                try {
                  s.close();
                } catch (IOException ignored) {
                  // Closing a loopback socket nobody uses.
                }
              }
            }
          });
      for (String scheme : List.of("http", "https")) {
        var request = HttpRequest.newBuilder(java.net.URI.create(scheme + "://127.0.0.1:" + silent.getLocalPort() + "/warm-up")).build();
        try {
          send(request, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300));
        } catch (IOException | TimeoutException expected) {
          // Nothing answers: the timeout path is part of what is warmed.
        }
      }
    } catch (IOException | RuntimeException e) {
      // Only a warm-up: a first call then pays the cost itself.
    }
  }

  /** One answer, its body capped. */
  public record Response(int status, HttpHeaders headers, byte[] body) {}

  /** The response body was larger than allowed. */
  public static final class TooLargeException extends IOException {
    TooLargeException(int limit) {
      super("the response body exceeds " + limit + " bytes");
    }
  }

  /** The executor for work that belongs with outbound calls (e.g. token fetches): virtual threads. */
  ExecutorService executor() {
    return executor;
  }

  int maxResponseBytes() {
    return maxResponseBytes;
  }

  /**
   * Sends and reads the whole answer before {@code deadlineNanos} ({@link System#nanoTime()} based).
   *
   * @throws TimeoutException when the deadline passes first (the exchange is cancelled)
   * @throws IOException when the connection fails or the body is too large
   */
  public Response send(HttpRequest request, long deadlineNanos) throws IOException, TimeoutException {
    long wait = deadlineNanos - System.nanoTime();
    try {
      if (wait <= 0 || !slots.tryAcquire(wait, TimeUnit.NANOSECONDS)) throw new TimeoutException("no free outbound connection before the deadline");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for an outbound connection", e);
    }
    // From here a slot is held; every path below gives it back.
    CompletableFuture<HttpResponse<byte[]>> future = null;
    try {
      // sendAsync does part of its work (a first exchange's set-up) on the calling thread: started on the executor,
      // that work counts against the deadline like the rest of the exchange instead of delaying the caller past it.
      CompletableFuture<CompletableFuture<HttpResponse<byte[]>>> started =
          CompletableFuture.supplyAsync(() -> client.sendAsync(request, info -> new CappedBody(maxResponseBytes)), executor);
      future = started.thenCompose(exchange -> exchange);
      // A caller that gave up cancels the exchange too, even one that was still being started.
      future.whenComplete((r, e) -> {
        if (e instanceof CancellationException) started.thenAccept(exchange -> exchange.cancel(true));
      });
      HttpResponse<byte[]> r = future.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      return new Response(r.statusCode(), r.headers(), r.body());
    } catch (TimeoutException e) {
      future.cancel(true);
      throw e;
    } catch (InterruptedException e) {
      if (future != null) future.cancel(true);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (CancellationException e) {
      throw new IOException("cancelled", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof java.net.http.HttpTimeoutException) throw new TimeoutException("no answer before the deadline");
      if (cause instanceof IOException io) throw io;
      throw new IOException(cause == null ? "request failed" : cause.toString(), cause);
    } finally {
      slots.release();
    }
  }

  @Override
  public void close() {
    client.shutdownNow();
    executor.shutdownNow();
  }

  /** Collects the body up to a limit and then gives up on the stream rather than buffering without end. */
  private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final int limit;
    private Flow.Subscription subscription;

    CappedBody(int limit) {
      this.limit = limit;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) return;
      for (ByteBuffer b : items) {
        if (out.size() + b.remaining() > limit) {
          subscription.cancel();
          result.completeExceptionally(new TooLargeException(limit));
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        out.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }
  }
}
