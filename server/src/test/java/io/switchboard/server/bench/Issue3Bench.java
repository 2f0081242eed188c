package io.switchboard.server.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.storage.StorageConfig;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TestDatabases;
import io.switchboard.server.testing.TestServer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The issue-3 load driver: session merge-patch with 64 concurrent writers (all on one hot session,
 * then spread over many cold ones) on H2 and PostgreSQL, and published-script GETs with and without
 * If-None-Match, over real HTTP on loopback. Not part of the normal suite (its name matches neither
 * *Test nor *IT); run it with the command in docs/bench/issue3.md. Each phase is bounded by {@code
 * bench.seconds}.
 */
class Issue3Bench {
  static final int WRITERS = 64;
  static final int COLD_SESSIONS = 1_000;
  static final int READERS = 16;
  static final Duration PHASE = Duration.ofSeconds(Long.getLong("bench.seconds", 10));
  static final Duration WARMUP = Duration.ofSeconds(Long.getLong("bench.warmup-seconds", 3));

  record Row(
      String scenario,
      String database,
      int clients,
      long requests,
      long non2xx,
      double perSecond,
      double p50ms,
      double p99ms,
      double maxMs) {
    String markdown() {
      return String.format(
          "| %s | %s | %d | %d | %d | %.0f | %.2f | %.2f | %.2f |",
          scenario, database, clients, requests, non2xx, perSecond, p50ms, p99ms, maxMs);
    }
  }

  @Test
  void run() throws Exception {
    var rows = new ArrayList<Row>();
    for (String dialect : List.of("h2", "postgres")) rows.addAll(runOn(dialect));
    var out = new StringBuilder();
    out.append("Run at ")
        .append(Instant.now())
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, load average before: ")
        .append(
            String.format(
                "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()))
        .append(", phase ")
        .append(PHASE.toSeconds())
        .append(" s after ")
        .append(WARMUP.toSeconds())
        .append(" s warm-up\n\n");
    out.append(
        "| scenario | database | concurrent clients | requests | non-2xx | requests/s | p50 ms |"
            + " p99 ms | max ms |\n");
    out.append("|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) out.append(r.markdown()).append('\n');
    System.out.println(out);
    Path file = Path.of("target", "bench-issue3.md");
    Files.createDirectories(file.getParent());
    Files.writeString(file, out);
    assertThat(rows)
        .allSatisfy(r -> assertThat(r.non2xx()).as(r.scenario() + " on " + r.database()).isZero());
  }

  private static List<Row> runOn(String dialect) throws Exception {
    StorageConfig storage = dialect.equals("postgres") ? TestDatabases.postgres() : null;
    // A pool as large as the writers, so the hot session's row lock, not the pool, is what writers
    // queue on.
    try (TestServer server =
        TestServer.start(
            Map.of("storage.pool-size", "32", "log.access", "false"), storage, Clock.systemUTC())) {
      Api api = server.api();
      String token = api.token(server.newOrg());
      var fx = new Fixtures(api, token);
      String script = fx.publishedScriptWithKeys(WRITERS);
      String conversation = fx.call(null).get("id").asString();
      String hot = fx.session(script, conversation, null).get("id").asString();
      var cold = new ArrayList<String>();
      var pool = Executors.newFixedThreadPool(16);
      try {
        var futures = new ArrayList<Future<String>>();
        for (int i = 0; i < COLD_SESSIONS; i++)
          futures.add(
              pool.submit(() -> fx.session(script, conversation, null).get("id").asString()));
        for (Future<String> f : futures) cold.add(f.get());
      } finally {
        pool.shutdownNow();
      }
      String patchType = "application/merge-patch+json";
      var rows = new ArrayList<Row>();
      rows.add(
          measure(
              "merge-patch, one hot session",
              dialect,
              WRITERS,
              w ->
                  api.patch(
                      "/api/v2/agent-scripting/sessions/" + hot,
                      token,
                      "{\"data\":{\"k" + w + "\":\"" + System.nanoTime() + "\"}}",
                      "Content-Type",
                      patchType)));
      rows.add(
          measure(
              "merge-patch, " + COLD_SESSIONS + " cold sessions",
              dialect,
              WRITERS,
              w ->
                  api.patch(
                      "/api/v2/agent-scripting/sessions/"
                          + cold.get(ThreadLocalRandom.current().nextInt(cold.size())),
                      token,
                      "{\"data\":{\"k" + w + "\":\"" + System.nanoTime() + "\"}}",
                      "Content-Type",
                      patchType)));
      long hotVersion =
          api.get("/api/v2/agent-scripting/sessions/" + hot, token).json().get("version").asLong();
      if (hotVersion < 2) throw new AssertionError("the hot session was never patched");

      String path = "/api/v2/scripts/published/" + script;
      String etag = api.get(path, token).header("ETag").orElseThrow();
      rows.add(measure("published script GET", dialect, READERS, r -> api.get(path, token)));
      rows.add(
          measure(
              "published script GET, If-None-Match (304)",
              dialect,
              READERS,
              r -> {
                Api.Response resp = api.get(path, token, "If-None-Match", etag);
                // A 304 is the success this scenario measures.
                return resp.status() == 304
                    ? new Api.Response(200, resp.headers(), resp.body())
                    : new Api.Response(599, resp.headers(), resp.body());
              }));
      return rows;
    } finally {
      if (storage != null) TestDatabases.drop(storage);
    }
  }

  /** {@code clients} threads send requests back to back: a warm-up, then one measured phase. */
  private static Row measure(
      String scenario, String dialect, int clients, IntFunction<Api.Response> request)
      throws Exception {
    run(clients, WARMUP, request, new Histogram(3_600_000_000L, 3), new AtomicLong());
    var histogram = new Histogram(3_600_000_000L, 3);
    var failures = new AtomicLong();
    long started = System.nanoTime();
    long count = run(clients, PHASE, request, histogram, failures);
    double seconds = (System.nanoTime() - started) / 1e9;
    return new Row(
        scenario,
        dialect.equals("h2") ? "H2" : "PostgreSQL",
        clients,
        count,
        failures.get(),
        count / seconds,
        histogram.getValueAtPercentile(50) / 1000.0,
        histogram.getValueAtPercentile(99) / 1000.0,
        histogram.getMaxValue() / 1000.0);
  }

  private static long run(
      int clients,
      Duration length,
      IntFunction<Api.Response> request,
      Histogram histogram,
      AtomicLong failures)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      var start = new CountDownLatch(1);
      long deadline = System.nanoTime() + length.toNanos();
      var futures = new ArrayList<Future<Long>>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        futures.add(
            pool.submit(() -> {
              start.await();
              long n = 0;
              var local = new Histogram(3_600_000_000L, 3);
              while (System.nanoTime() < deadline) {
                long t0 = System.nanoTime();
                Api.Response r = request.apply(client);
                local.recordValue((System.nanoTime() - t0) / 1_000);
                if (r.status() < 200 || r.status() >= 300) failures.incrementAndGet();
                n++;
              }
              synchronized (histogram) {
                histogram.add(local);
              }
              return n;
            }));
      }
      start.countDown();
      long total = 0;
      for (Future<Long> f : futures) total += f.get(length.toSeconds() + 120, TimeUnit.SECONDS);
      return total;
    } finally {
      pool.shutdownNow();
    }
  }
}
