package io.switchboard.server.ratelimit.bench;

import io.switchboard.server.testing.RedisServer;
import io.switchboard.server.testing.TestServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The cost of the rate-limit check per request: the throughput of the same authenticated GET with
 * limits off, with buckets in memory and with buckets in Redis, measured in one run. Not part of
 * the test suite (the name matches neither *Test nor *IT); run it on purpose, see
 * docs/bench/ratelimit.md for the command.
 *
 * <p>Every setup is a real server on loopback with its own H2 file; the limits are set so high that
 * nothing is refused, so what differs is the check alone. Setups are measured in turn, round after
 * round, so that a neighbour's load on a shared machine falls on all of them alike, after one
 * uncounted round that warms them all; the table reports the median round.
 */
class RateLimitBenchmark {
  static final String HIGH = "100000000";

  record Setup(String name, Map<String, String> settings) {}

  @Test
  void throughputWithAndWithoutLimits() throws Exception {
    int connections = Integer.getInteger("bench.connections", 16);
    int rounds = Integer.getInteger("bench.rounds", 3);
    Duration warmup = Duration.ofSeconds(Integer.getInteger("bench.warmup", 3));
    Duration measure = Duration.ofSeconds(Integer.getInteger("bench.seconds", 5));
    try (var redis = RedisServer.start()) {
      String prefix = "sbbench:" + UUID.randomUUID() + ":";
      var all4 =
          Map.of(
              "limits.client.credentials.token.rate.per.minute",
              HIGH,
              "limits.client.rate.per.minute",
              HIGH,
              "limits.org.rate.per.minute",
              HIGH,
              "limits.group.organization.rate.per.minute",
              HIGH);
      List<Setup> all =
          List.of(
              new Setup(
                  "no limits", Map.of("limits.client.credentials.token.rate.per.minute", "0")),
              new Setup(
                  "memory, 1 bucket (token)",
                  Map.of("limits.client.credentials.token.rate.per.minute", HIGH)),
              new Setup("memory, 4 buckets", all4),
              new Setup(
                  "redis, 1 bucket (token)",
                  with(
                      Map.of("limits.client.credentials.token.rate.per.minute", HIGH),
                      "limits.redis-url",
                      redis.url(),
                      "limits.redis-key-prefix",
                      prefix + "1:")),
              new Setup(
                  "redis, 4 buckets",
                  with(
                      all4,
                      "limits.redis-url",
                      redis.url(),
                      "limits.redis-key-prefix",
                      prefix + "4:")),
              new Setup(
                  "redis, 4 buckets, no leases (every request asks)",
                  with(
                      all4,
                      "limits.redis-url",
                      redis.url(),
                      "limits.redis-key-prefix",
                      prefix + "4n:",
                      "limits.redis-lease-tokens",
                      "0")),
              new Setup(
                  "redis, 4 buckets, leases of 1000",
                  with(
                      all4,
                      "limits.redis-url",
                      redis.url(),
                      "limits.redis-key-prefix",
                      prefix + "4k:",
                      "limits.redis-lease-tokens",
                      "1000")),
              new Setup(
                  "redis, 4 buckets, local pass 200 ms (opt-in)",
                  with(
                      all4,
                      "limits.redis-url",
                      redis.url(),
                      "limits.redis-key-prefix",
                      prefix + "4p:",
                      "limits.redis-local-pass-millis",
                      "200")));
      // -Dbench.setups=name;name (e.g. "no limits;redis (one script call), 4 buckets" for a
      // profile)
      String only = System.getProperty("bench.setups", "");
      List<Setup> setups =
          only.isBlank()
              ? all
              : all.stream().filter(s -> List.of(only.split(";")).contains(s.name())).toList();
      var servers = new ArrayList<TestServer>();
      var tokens = new ArrayList<String>();
      try {
        for (Setup s : setups) {
          TestServer server = TestServer.start(s.settings());
          servers.add(server);
          tokens.add(server.api().token(server.newOrg()));
        }
        var report = new StringBuilder();
        report.append("\nload average before: ").append(loadAverage()).append('\n');
        for (String path :
            System.getProperty(
                    "bench.paths", "/api/v2/organizations/limits/namespaces,/api/v2/oauth/clients")
                .split(",")) {
          var results = new LinkedHashMap<String, List<LoadDriver.Result>>();
          for (Setup s : setups) results.put(s.name(), new ArrayList<>());
          // Round 0 warms every setup (JIT, pools, Redis) and is not counted; later rounds
          // alternate their
          // order so that a drift in the machine's load does not favour the setups measured first.
          for (int round = 0; round <= rounds; round++) {
            for (int k = 0; k < setups.size(); k++) {
              int i = round % 2 == 1 ? k : setups.size() - 1 - k;
              var r =
                  LoadDriver.run(
                      URI.create(servers.get(i).baseUrl() + path),
                      tokens.get(i),
                      connections,
                      warmup,
                      measure);
              if (r.other() > 0 || r.refused() > 0)
                throw new AssertionError(setups.get(i).name() + ": " + r);
              if (round > 0) results.get(setups.get(i).name()).add(r);
              System.out.printf(
                  "%s %s round %d: %.0f req/s%n",
                  path, setups.get(i).name(), round, r.throughput());
            }
          }
          report.append(table(path, connections, measure, rounds, results));
        }
        report.append("\nload average after: ").append(loadAverage()).append('\n');
        System.out.println(report);
        Path out = Path.of("target", "bench-ratelimit.md");
        Files.writeString(out, report);
        System.out.println("written to " + out.toAbsolutePath());
      } finally {
        for (TestServer s : servers) s.close();
      }
    }
  }

  static String table(
      String path,
      int connections,
      Duration measure,
      int rounds,
      Map<String, List<LoadDriver.Result>> results) {
    var sb = new StringBuilder();
    sb.append("\n`GET ")
        .append(path)
        .append("`, ")
        .append(connections)
        .append(" connections, ")
        .append(rounds)
        .append(" rounds of ")
        .append(measure.toSeconds())
        .append(" s (median round shown)\n\n");
    sb.append(
        "| setup | req/s | ratio to no limits | added time per request | p50 µs | p99 µs |\n"
            + "|---|---:|---:|---:|---:|---:|\n");
    double base = 0;
    for (var e : results.entrySet()) {
      var sorted = new ArrayList<>(e.getValue());
      sorted.sort((a, b) -> Double.compare(a.throughput(), b.throughput()));
      LoadDriver.Result median = sorted.get(sorted.size() / 2);
      if (base == 0) base = median.throughput();
      double ratio = median.throughput() / base;
      // Closed loop: a request takes connections/throughput, so the check adds connections * (1/thr
      // - 1/base).
      double costMicros = connections * (1e6 / median.throughput() - 1e6 / base);
      sb.append(
          String.format(
              "| %s | %.0f | %.2f | %s | %d | %d |%n",
              e.getKey(),
              median.throughput(),
              ratio,
              base == median.throughput() ? "—" : String.format("%+.0f µs", costMicros),
              median.p50Micros(),
              median.p99Micros()));
    }
    return sb.toString();
  }

  /** The machine's load (1, 5, 15 minutes), so a reader can judge how busy it was. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  static Map<String, String> with(Map<String, String> base, String... kv) {
    var m = new LinkedHashMap<>(base);
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }
}
