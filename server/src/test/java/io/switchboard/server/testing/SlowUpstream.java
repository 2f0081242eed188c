package io.switchboard.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A partner API that answers every request to {@code /slow} with {@code {"tier":"gold"}} after a
 * fixed delay, in a JVM of its own (the test classpath), for benchmarks: what they measure is then
 * the server, not the stand-in. It is a plain Jetty server that holds no thread per waiting request
 * (the answer is written by a timer when the delay is up), keeps connections alive (no cap on idle
 * connections, unlike the JDK's {@code HttpServer}, which closes all but 200) and queues up to
 * 4,096 pending connections. {@code GET /stats} answers when each request arrived and when its
 * answer was written ({@link System#nanoTime()}, which on Linux is the same monotonic clock in
 * every process of the machine), one {@code a <nanos>} or {@code w <nanos>} per line.
 */
public final class SlowUpstream implements AutoCloseable {
  private final Process process;
  private final int port;

  private SlowUpstream(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts the stand-in with {@code delayMs} and waits until it serves. */
  public static SlowUpstream start(long delayMs) {
    var command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            // A small JVM: the stand-in should take as little of the machine as it can.
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            SlowUpstream.class.getName(),
            Long.toString(delayMs));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      var out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      // The child prints PORT <port> once it serves (or dies with its error); nothing else.
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("PORT ")) {
          // Keep draining its output so it can never block on a full pipe.
          Thread.ofVirtual().start(() -> out.lines().forEach(l -> {}));
          return new SlowUpstream(process, Integer.parseInt(line.substring(5).trim()));
        }
      }
      throw new IllegalStateException("the slow upstream exited with " + process.waitFor());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  /** When requests arrived and answers were written, each list sorted ({@code nanoTime}). */
  public record Stats(List<Long> arrived, List<Long> answered) {}

  public Stats stats() {
    try (var client = HttpClient.newHttpClient()) {
      String body =
          client
              .send(
                  java.net.http.HttpRequest.newBuilder(URI.create(url("/stats"))).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      var arrived = new ArrayList<Long>();
      var answered = new ArrayList<Long>();
      for (String line : body.split("\n")) {
        if (line.startsWith("a ")) arrived.add(Long.parseLong(line.substring(2)));
        if (line.startsWith("w ")) answered.add(Long.parseLong(line.substring(2)));
      }
      arrived.sort(null);
      answered.sort(null);
      return new Stats(arrived, answered);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** CPU time the stand-in's process has used so far (-1 when the system does not say). */
  public long cpuNanos() {
    return process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** The child: {@code SlowUpstream <delayMs>}. */
  public static void main(String[] args) throws Exception {
    long delayMs = Long.parseLong(args[0]);
    Queue<Long> arrived = new ConcurrentLinkedQueue<>();
    Queue<Long> answered = new ConcurrentLinkedQueue<>();
    byte[] gold = "{\"tier\":\"gold\"}".getBytes(StandardCharsets.UTF_8);
    var threads = new QueuedThreadPool(32, 4);
    threads.setName("slow-upstream");
    Server server = new Server(threads);
    var connector = new ServerConnector(server, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    connector.setAcceptQueueSize(4096);
    connector.setIdleTimeout(120_000);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract.NonBlocking() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            if (path.equals("/stats")) {
              var text = new StringBuilder();
              arrived.forEach(t -> text.append("a ").append(t).append('\n'));
              answered.forEach(t -> text.append("w ").append(t).append('\n'));
              response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
              response.write(
                  true,
                  ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)),
                  callback);
              return true;
            }
            if (!path.equals("/slow")) return false;
            arrived.add(System.nanoTime());
            server
                .getScheduler()
                .schedule(
                    () -> {
                      response.setStatus(200);
                      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                      answered.add(System.nanoTime());
                      response.write(true, ByteBuffer.wrap(gold), callback);
                    },
                    delayMs,
                    TimeUnit.MILLISECONDS);
            return true;
          }
        });
    server.start();
    System.out.println("PORT " + connector.getLocalPort());
    System.out.flush();
    server.join();
  }
}
