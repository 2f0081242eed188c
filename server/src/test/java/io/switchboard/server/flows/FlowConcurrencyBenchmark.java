package io.switchboard.server.flows;

import static io.switchboard.server.testing.Upstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.storage.StorageConfig;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.SlowUpstream;
import io.switchboard.server.testing.TestDatabases;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.Upstream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Seed 000's wall, measured (not part of the suite; run with {@code
 * -Dtest=FlowConcurrencyBenchmark}): 2,000 concurrent executions of a published flow whose data
 * action answers after 2 s, through the server's real {@link FlowExecutions} (store, runtime,
 * external-API engine, outbound HTTP client) on virtual threads, and, in the same run, the same
 * 2,000 executions on a pool of 200 platform threads (what seed 000's team had). Prints each wall
 * time and their ratio; the target is that the virtual-thread run finishes within 2.5 s. Launching
 * is part of the wall time (2,000 launches from 2,000 virtual threads, each a database insert, then
 * the run, then the recorded end).
 *
 * <p>The 2 s partner API runs in a JVM of its own ({@link SlowUpstream}, Jetty, a timer per waiting
 * request) so that what is measured is Switchboard: the JDK {@code HttpServer} stand-in in the
 * server's JVM accepted on one thread, closed all but 200 kept-alive connections after the warm-up,
 * and took CPU from the server on a 2-core machine (see BENCHMARKS.md, flows). The executions still
 * make a real HTTP call through the real runtime, engine, egress check and outbound client, and
 * record their trace.
 */
class FlowConcurrencyBenchmark {
  static final int EXECUTIONS = Integer.getInteger("flows.bench.executions", 2000);
  static final long UPSTREAM_DELAY_MS = Long.getLong("flows.bench.delayMs", 2000);
  static final int PLATFORM_THREADS = Integer.getInteger("flows.bench.platformThreads", 200);
  static final int LAUNCHERS = Integer.getInteger("flows.bench.launchers", 256);

  /**
   * Where the 2 s upstream runs: {@code process} (default), a Jetty server in a JVM of its own
   * ({@link SlowUpstream}); {@code in-process}, the JDK-{@code HttpServer} {@link Upstream} in the
   * server's JVM (how this benchmark first ran; kept to compare).
   */
  static final String UPSTREAM = System.getProperty("flows.bench.upstream", "process");

  /**
   * Runs of 2,000 before the measured ones. One was not enough: the JIT's compiler threads still
   * took about half of the JVM's CPU during the measured run.
   */
  static final int WARMUPS = Integer.getInteger("flows.bench.warmups", 2);

  /**
   * {@code h2} (default): the server's default store, an H2 file in the server's JVM; {@code
   * postgres}: the tests' PostgreSQL (a process of its own, as in production), pool of 16.
   */
  static final String DB = System.getProperty("flows.bench.db", "h2");

  static long lastLaunchMs;

  /** The 2 s partner API, and when it received requests and wrote answers. */
  interface Stand extends AutoCloseable {
    String url(String path);

    SlowUpstream.Stats stats();

    /** CPU time its process has used ({@code in-process}: -1, it is counted with the server's). */
    long cpuNanos();

    @Override
    void close();
  }

  static Stand stand() {
    if (UPSTREAM.equals("process")) {
      SlowUpstream up = SlowUpstream.start(UPSTREAM_DELAY_MS);
      return new Stand() {
        public String url(String path) {
          return up.url(path);
        }

        public SlowUpstream.Stats stats() {
          return up.stats();
        }

        public long cpuNanos() {
          return up.cpuNanos();
        }

        public void close() {
          up.close();
        }
      };
    }
    Upstream up = Upstream.start(4096);
    var answered = new java.util.concurrent.ConcurrentLinkedQueue<Long>();
    up.on(
        "/slow",
        (ex, req) -> {
          Thread.sleep(UPSTREAM_DELAY_MS);
          answered.add(System.nanoTime());
          json(ex, 200, "{\"tier\":\"gold\"}");
        });
    return new Stand() {
      public String url(String path) {
        return up.url(path);
      }

      public SlowUpstream.Stats stats() {
        var a = new ArrayList<Long>();
        for (Upstream.Received r : up.received("/slow")) a.add(r.atNanos());
        var w = new ArrayList<Long>(answered);
        a.sort(null);
        w.sort(null);
        return new SlowUpstream.Stats(a, w);
      }

      public long cpuNanos() {
        return -1;
      }

      public void close() {
        up.close();
      }
    };
  }

  @Test
  void twoThousandExecutionsWaitingOnATwoSecondDataAction() throws Exception {
    var settings = new HashMap<>(TestServer.NO_TOKEN_LIMIT);
    // The default (1024) would run 2,000 calls in two waves: every call must be in flight at once.
    settings.put(SettingKeys.EXTERNAL_MAX_CONCURRENT, "4096");
    // A slow warm-up on a loaded machine must not open the circuit and turn the measured runs into
    // instant circuit-open failures: the breaker stays out of this measurement.
    settings.put(SettingKeys.BREAKER_MINIMUM_CALLS, "10000");
    StorageConfig storage = null;
    if (DB.equals("postgres")) {
      StorageConfig pg = TestDatabases.postgres();
      storage =
          new StorageConfig(
              pg.dataDir(), pg.jdbcUrl(), pg.user(), pg.password(), 16, pg.schema(), pg.poolWait());
    }
    try (TestServer server =
            TestServer.start(LoopbackUpstream.allowed(settings), storage, Clock.systemUTC());
        Stand upstream = stand()) {
      Api api = server.api();
      TestServer.OrgAccess org = server.newOrg();
      String token = api.token(org);
      var created =
          api.post(
              "/api/v2/architect/external-apis",
              token,
              "{\"name\":\"Slow\",\"method\":\"GET\",\"url\":\""
                  + upstream.url("/slow")
                  + "\",\"timeout\":10000,\"responseMapping\":{\"outputs\":{\"tier\":\"$.tier\"}}}");
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      String flowId =
          api.post("/api/v2/flows", token, "{\"name\":\"Bench\",\"type\":\"WORKFLOW\"}")
              .json()
              .get("id")
              .asString();
      String yaml =
          """
          workflow:
            name: Bench
            startUpRef: "/workflow/tasks/task[t]"
            variables:
              - stringVariable:
                  name: Flow.tier
                  isOutput: true
            tasks:
              - task:
                  name: T
                  refId: t
                  actions:
                    - callData:
                        name: Lookup
                        category:
                          Any:
                            dataAction:
                              Slow:
                                successOutputs:
                                  tier: Flow.tier
          """;
      api.raw(
          "PUT",
          "/api/v2/flows/" + flowId + "/latestconfiguration",
          token,
          yaml.getBytes(StandardCharsets.UTF_8),
          "Content-Type",
          "application/yaml");
      assertThat(api.post("/api/v2/flows/actions/publish?flow=" + flowId, token, null).status())
          .isEqualTo(200);

      FlowExecutions virtual = server.switchboard().flowExecutions();
      String orgId = org.orgId();
      // Warm-up: JIT, connections, the compiled definition.
      var warm = new ArrayList<Long>();
      for (int i = 0; i < WARMUPS; i++)
        warm.add(run(virtual, upstream, orgId, flowId, EXECUTIONS, (long) i * EXECUTIONS));
      long done = (long) WARMUPS * EXECUTIONS;
      long virtualMs = run(virtual, upstream, orgId, flowId, EXECUTIONS, done);
      long virtualLaunchMs = lastLaunchMs;
      long platformMs;
      ExecutorService pool =
          Executors.newFixedThreadPool(PLATFORM_THREADS, Thread.ofPlatform().factory());
      try (FlowExecutions platform = virtual.on(pool)) {
        platformMs = run(platform, upstream, orgId, flowId, EXECUTIONS, done + EXECUTIONS);
      }
      long platformLaunchMs = lastLaunchMs;
      // Every execution ended; under load a few may end at their 10 s deadline instead.
      var counts = virtual.outcomeCounts(orgId, flowId);
      System.out.println("  outcomes of all runs: " + counts);
      System.out.printf(
          "FLOW CONCURRENCY BENCH: %d executions, each waiting on a %d ms data action (%s, upstream"
              + " %s, warm-ups %s ms)%n  virtual threads:          %6d ms (all launched after %d"
              + " ms)%n  %d platform threads:     %6d ms (all launched after %d ms)%n  ratio"
              + " platform/virtual: %.1fx; target <= 2500 ms on virtual threads: %s%n",
          EXECUTIONS,
          UPSTREAM_DELAY_MS,
          DB,
          UPSTREAM,
          warm,
          virtualMs,
          virtualLaunchMs,
          PLATFORM_THREADS,
          platformMs,
          platformLaunchMs,
          (double) platformMs / virtualMs,
          virtualMs <= 2500 ? "met" : "MISSED");
    } finally {
      if (storage != null) TestDatabases.drop(storage);
    }
  }

  /**
   * Launches {@code n} executions at once (one virtual thread per launch) and waits until every one
   * has recorded its end ({@code before} executions of the flow had already finished); answers the
   * wall time in milliseconds. The end is awaited through the launch's completion callback, not by
   * polling the store: a count query every few milliseconds would itself take a large share of the
   * 2 cores being measured.
   */
  static long run(
      FlowExecutions executions, Stand upstream, String orgId, String flowId, int n, long before)
      throws Exception {
    System.out.printf("  run of %d starts at %s%n", n, java.time.Instant.now());
    var os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long cpuBefore = os.getProcessCpuTime();
    long standCpuBefore = upstream.cpuNanos();
    long started = System.nanoTime();
    var ids = new ArrayList<String>();
    var ended = new CountDownLatch(n);
    // Launching is a few database statements each: at most LAUNCHERS launches at once keep the
    // connection pool (storage.pool-size) from being the thing measured.
    var slots = new Semaphore(LAUNCHERS);
    try (var launchers = Executors.newVirtualThreadPerTaskExecutor()) {
      var futures = new ArrayList<Future<FlowExecution>>();
      for (int i = 0; i < n; i++)
        futures.add(
            launchers.submit(() -> {
              slots.acquireUninterruptibly();
              try {
                return executions.launch(
                    orgId, flowId, null, null, null, (e, r) -> ended.countDown());
              } finally {
                slots.release();
              }
            }));
      for (Future<?> f : futures) ids.add(((FlowExecution) f.get()).id());
    }
    lastLaunchMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(ended.await(120, TimeUnit.SECONDS)).as("every execution ended").isTrue();
    long wall = (System.nanoTime() - started) / 1_000_000;
    long cpuMs = (os.getProcessCpuTime() - cpuBefore) / 1_000_000;
    long standCpuMs = standCpuBefore < 0 ? -1 : (upstream.cpuNanos() - standCpuBefore) / 1_000_000;
    System.out.printf(
        "  run of %d ends at %s; CPU used meanwhile: server JVM %d ms (%.2f cores), upstream"
            + " stand-in %s%n",
        n,
        java.time.Instant.now(),
        cpuMs,
        (double) cpuMs / wall,
        standCpuMs < 0 ? "in the server JVM" : standCpuMs + " ms");
    var counts = executions.outcomeCounts(orgId, flowId);
    assertThat(counts.get("running")).as(counts.toString()).isZero();
    long done = counts.values().stream().mapToLong(Long::longValue).sum() - counts.get("running");
    assertThat(done).as(counts.toString()).isEqualTo(before + n);
    // Where the time went: when the requests reached the upstream and when it answered (from the
    // run's start), the data action's own latency, and launch-to-recorded-end.
    SlowUpstream.Stats stats = upstream.stats();
    var arrived = new ArrayList<Long>();
    for (long t : stats.arrived()) if (t >= started) arrived.add((t - started) / 1_000_000);
    var answered = new ArrayList<Long>();
    for (long t : stats.answered()) if (t >= started) answered.add((t - started) / 1_000_000);
    System.out.printf(
        "  run of %d: %d requests reached the upstream at +%d / p50 +%d / p99 +%d / max +%d ms;"
            + " %d answers written at +%d / p50 +%d / max +%d ms%n",
        n,
        arrived.size(),
        arrived.getFirst(),
        arrived.get(arrived.size() / 2),
        arrived.get(arrived.size() * 99 / 100),
        arrived.getLast(),
        answered.size(),
        answered.getFirst(),
        answered.get(answered.size() / 2),
        answered.getLast());
    var json = tools.jackson.databind.json.JsonMapper.builder().build();
    var callMs = new ArrayList<Long>();
    var endToEndMs = new ArrayList<Long>();
    for (String id : ids) {
      FlowExecution e = executions.get(orgId, id);
      if (!"completed".equals(e.outcome()) || !e.outputData().contains("gold"))
        continue; // counted as not served below
      callMs.add(
          json.readTree(e.trace())
              .get("actions")
              .get(0)
              .get("dataAction")
              .get("latencyMs")
              .asLong());
      endToEndMs.add(java.time.Duration.between(e.launchedAt(), e.completedAt()).toMillis());
    }
    long traceChars = 0;
    for (String id : ids.subList(0, Math.min(100, ids.size()))) {
      String t = executions.get(orgId, id).trace();
      traceChars += t == null ? 0 : t.length();
    }
    System.out.printf(
        "  run of %d: a recorded trace is %d characters on average%n",
        n, traceChars / Math.max(1, Math.min(100, ids.size())));
    java.util.Collections.sort(callMs);
    java.util.Collections.sort(endToEndMs);
    int m = callMs.size();
    System.out.printf("  run of %d: %d served by the data action within the deadline%n", n, m);
    System.out.printf(
        "  run of %d: data action latency p50 %d / p99 %d / max %d ms; launch to recorded end p50"
            + " %d / max %d ms%n",
        n,
        callMs.get(m / 2),
        callMs.get(m * 99 / 100),
        callMs.getLast(),
        endToEndMs.get(m / 2),
        endToEndMs.getLast());
    return wall;
  }
}
