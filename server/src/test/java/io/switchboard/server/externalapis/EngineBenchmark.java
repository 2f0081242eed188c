package io.switchboard.server.externalapis;

import com.sun.net.httpserver.HttpServer;
import io.javalin.Javalin;
import io.switchboard.server.http.Json;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.json.JsonMapper;

/**
 * Loopback benchmark of the external-API engine (not a test: run it by hand, see
 * docs/bench/externalapis.md).
 *
 * <ol>
 *   <li>Overhead per call: the same GET to an instant local endpoint, made by the engine (template,
 *       breaker, content-type check, JSON parse, path and CEL mapping) and by a bare {@code
 *       java.net.http.HttpClient} (send, read bytes), interleaved in one run, at concurrency 1 and
 *       32.
 *   <li>1000 concurrent calls to an endpoint that answers after 2 s, through the engine, on virtual
 *       threads.
 * </ol>
 *
 * Everything stays on 127.0.0.1 and is bounded in count and time.
 */
public final class EngineBenchmark {
  private static final JsonMapper MAPPER = Json.newMapper();

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    Javalin endpoint =
        Javalin.create(
                cfg -> {
                  cfg.concurrency.useVirtualThreads = true;
                  cfg.startup.showJavalinBanner = false;
                  cfg.jetty.host = "127.0.0.1";
                  cfg.jetty.port = 0;
                  cfg.routes.get(
                      "/instant",
                      ctx ->
                          ctx.contentType("application/json")
                              .result("{\"customer\":{\"name\":\"Ada\",\"tier\":\"gold\"}}"));
                })
            .start();
    String base = "http://127.0.0.1:" + endpoint.port();
    // The slow endpoint needs a deep accept queue: 1000 connections arrive at once, and a dropped
    // SYN would
    // add the kernel's 1 s retransmission to the measurement. The JDK server takes the backlog
    // directly.
    HttpServer slowEndpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4096);
    slowEndpoint.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    slowEndpoint.createContext(
        "/slow",
        ex -> {
          try (ex) {
            Thread.sleep(2000);
            byte[] body = "{\"ok\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    slowEndpoint.start();
    try (var outbound = new OutboundHttp(2048, 1 << 20, Egress.unrestricted())) {
      var engine =
          new ExternalApiEngine(
              outbound,
              (org, id) -> null,
              new CircuitBreakers(
                  new CircuitBreakers.Config(
                      50, 10, Duration.ofSeconds(60), Duration.ofSeconds(30))),
              new ResponseMapper(),
              MAPPER,
              Clock.systemUTC());
      ExternalApi instant =
          api(
              "instant",
              base + "/instant",
              3000,
              Map.of("name", "$.customer.name", "vip", "body.customer.tier == 'gold'"));
      HttpClient bare =
          HttpClient.newBuilder()
              .executor(Executors.newVirtualThreadPerTaskExecutor())
              .version(HttpClient.Version.HTTP_1_1)
              .build();
      HttpRequest bareRequest =
          HttpRequest.newBuilder(URI.create(base + "/instant"))
              .header("Accept", "application/json")
              .timeout(Duration.ofSeconds(3))
              .GET()
              .build();
      Callable<Boolean> viaEngine = () -> engine.execute(instant, null).success();
      Callable<Boolean> viaBare =
          () -> bare.send(bareRequest, HttpResponse.BodyHandlers.ofByteArray()).statusCode() == 200;

      System.out.printf(
          "JVM %s, %d CPUs available%n",
          Runtime.version(), Runtime.getRuntime().availableProcessors());
      run(viaBare, 3000, 8);
      run(viaEngine, 3000, 8);
      System.out.printf(
          "%-28s %11s %10s %10s %10s%n",
          "instant endpoint", "calls/s", "p50 ms", "p99 ms", "max ms");
      for (int concurrency : new int[] {1, 32}) {
        // Interleaved halves, so drift on a shared machine hits both the same.
        var bareStats = new ArrayList<Result>();
        var engineStats = new ArrayList<Result>();
        for (int round = 0; round < 2; round++) {
          bareStats.add(run(viaBare, calls / 2, concurrency));
          engineStats.add(run(viaEngine, calls / 2, concurrency));
        }
        print("bare HttpClient, c=" + concurrency, Result.merge(bareStats));
        print("engine, c=" + concurrency, Result.merge(engineStats));
      }

      ExternalApi slow =
          api(
              "slow",
              "http://127.0.0.1:" + slowEndpoint.getAddress().getPort() + "/slow",
              5000,
              Map.of("ok", "$.ok"));
      HttpRequest slowRequest =
          HttpRequest.newBuilder(URI.create(slow.url()))
              .timeout(Duration.ofSeconds(5))
              .GET()
              .build();
      System.out.printf(
          "%-28s %11s %10s %10s %10s %s%n",
          "1000 at once, 2 s endpoint",
          "wall ms",
          "p50 ms",
          "p99 ms",
          "max ms",
          "platform threads before/peak");
      for (int round = 0; round < 2; round++) {
        burst(
            "bare HttpClient",
            () ->
                bare.send(slowRequest, HttpResponse.BodyHandlers.ofByteArray()).statusCode()
                    == 200);
        burst("engine", () -> engine.execute(slow, null).success());
      }
    } finally {
      endpoint.stop();
      slowEndpoint.stop(0);
    }
  }

  static void burst(String label, Callable<Boolean> call) throws Exception {
    var threads = ManagementFactory.getThreadMXBean();
    int before = threads.getThreadCount();
    threads.resetPeakThreadCount();
    Result r = run(call, 1000, 1000);
    System.out.printf(
        "%-28s %11.0f %10.0f %10.0f %10.0f %d/%d   (%d/1000 ok)%n",
        label,
        r.wallMs(),
        r.percentile(50),
        r.percentile(99),
        r.percentile(100),
        before,
        threads.getPeakThreadCount(),
        r.ok());
  }

  static ExternalApi api(String name, String url, int timeout, Map<String, String> outputs) {
    return new ExternalApi(
        name,
        "bench-org",
        name,
        null,
        "http",
        "GET",
        url,
        timeout,
        0,
        List.of(),
        null,
        null,
        new ExternalApi.ResponseMapping(outputs),
        1,
        Instant.EPOCH,
        Instant.EPOCH);
  }

  record Result(long[] nanos, int ok, double wallMs) {
    double percentile(double p) {
      long[] sorted = nanos.clone();
      Arrays.sort(sorted);
      int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
      return sorted[Math.max(0, i)] / 1e6;
    }

    static Result merge(List<Result> parts) {
      long[] all = parts.stream().flatMapToLong(r -> Arrays.stream(r.nanos())).toArray();
      return new Result(
          all,
          parts.stream().mapToInt(Result::ok).sum(),
          parts.stream().mapToDouble(Result::wallMs).sum());
    }
  }

  static void print(String label, Result r) {
    System.out.printf(
        "%-28s %11.0f %10.3f %10.3f %10.3f   (%d/%d ok)%n",
        label,
        r.nanos().length / (r.wallMs() / 1000),
        r.percentile(50),
        r.percentile(99),
        r.percentile(100),
        r.ok(),
        r.nanos().length);
  }

  /**
   * {@code calls} calls from {@code concurrency} virtual threads; per-call latency and the wall
   * time.
   */
  static Result run(Callable<Boolean> call, int calls, int concurrency) throws Exception {
    long[] nanos = new long[calls];
    var next = new AtomicInteger();
    var ok = new AtomicInteger();
    long started = System.nanoTime();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      var workers = new ArrayList<Future<?>>();
      for (int w = 0; w < concurrency; w++) {
        workers.add(
            pool.submit(() -> {
              for (int i = next.getAndIncrement(); i < calls; i = next.getAndIncrement()) {
                long t = System.nanoTime();
                try {
                  if (call.call()) ok.incrementAndGet();
                } catch (Exception e) {
                  // Counted as not ok.
                }
                nanos[i] = System.nanoTime() - t;
              }
              return null;
            }));
      }
      for (Future<?> f : workers) f.get();
    }
    return new Result(nanos, ok.get(), (System.nanoTime() - started) / 1e6);
  }
}
