package io.switchboard.server.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.storage.StorageConfig;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.ServerProcess;
import io.switchboard.server.testing.TestDatabases;
import io.switchboard.server.testing.TestServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Session merge-patch throughput and durability (issue 14), measured together in one run:
 *
 * <ol>
 *   <li>throughput: the server in this JVM, {@code wrk} (a C load generator, so the 2-core
 *       machine's CPU goes to the server) with 64 connections sending merge patches, to 1,000 cold
 *       sessions (a random one per request) and to one hot session, on H2 and on PostgreSQL (the
 *       tests' embedded PostgreSQL, or {@code SWITCHBOARD_TEST_PG_URL}). After each phase the
 *       sessions' versions must have risen by at least the number of 2xx answers: no acknowledged
 *       patch lost under load;
 *   <li>durability: the server in a JVM of its own, 64 writers patching the cold sessions (each
 *       writer its own variable, with a rising counter), {@code kill -9} in the middle of it, a
 *       restart on the same data, and every acknowledged patch must be there (its value or a later
 *       one of the same writer, and at least the acknowledged version).
 * </ol>
 *
 * Not part of the suite (its name matches neither *Test nor *IT): {@code bench/sessions.sh}. {@code
 * -Dbench.jfr=FILE} records the H2 cold phase with JFR; {@code -Dbench.seconds}, {@code
 * -Dbench.warmup-seconds} and {@code -Dbench.databases=h2,postgres} bound and select the phases.
 */
class SessionWritesBench {
  static final int WRITERS = 64;
  static final int COLD_SESSIONS = 1_000;
  static final int SECONDS = Integer.getInteger("bench.seconds", 10);
  static final int WARMUP = Integer.getInteger("bench.warmup-seconds", 5);
  static final List<String> DATABASES =
      List.of(System.getProperty("bench.databases", "h2,postgres").split(","));

  /**
   * Four lanes (group commit across sessions: the default on PostgreSQL), then the baseline (0: a
   * transaction per session's batch, the default on H2). The servers run one after the other in
   * this JVM, so the later one finds the shared code compiled by the JIT already: that favours the
   * baseline, and the ratios are, if anything, understated.
   */
  static final List<String> LANES = List.of(System.getProperty("bench.lanes", "4,0").split(","));

  static final String BASE = "/api/v2/agent-scripting/sessions/";
  static final String MERGE_PATCH = "application/merge-patch+json";

  record Row(
      String scenario,
      String database,
      String lanes,
      long requests,
      long non2xx,
      double perSecond,
      String p50,
      String p99,
      String note) {}

  @Test
  void run() throws Exception {
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    var rows = new ArrayList<Row>();
    for (String db : DATABASES)
      for (String lanes : LANES) rows.addAll(throughput(db.trim(), lanes.trim()));
    if (!Boolean.getBoolean("bench.skip-durability"))
      for (String db : DATABASES) rows.add(durability(db.trim()));
    var out = new StringBuilder();
    out.append(
        String.format(
            "Session writes (issue 14), run at %s, %d cores, load average before %.1f, after %.1f;"
                + " wrk -t2 -c%d, %d s after %d s warm-up per phase%n%n",
            Instant.now(),
            Runtime.getRuntime().availableProcessors(),
            loadBefore,
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
            WRITERS,
            SECONDS,
            WARMUP));
    out.append(
        "| scenario | database | write lanes | requests | non-2xx | req/s | p50 | p99 | check |\n");
    out.append("|---|---|---|---:|---:|---:|---:|---:|---|\n");
    for (Row r : rows)
      out.append(
          String.format(
              "| %s | %s | %s | %d | %d | %.0f | %s | %s | %s |%n",
              r.scenario(),
              r.database(),
              r.lanes(),
              r.requests(),
              r.non2xx(),
              r.perSecond(),
              r.p50(),
              r.p99(),
              r.note()));
    out.append(
        "\nRatios to the baseline (write lanes 0) of the same run, n-th run with n-th run:\n");
    for (Row r : rows) {
      if (r.lanes().equals("0") || r.p50().isEmpty()) continue;
      var same =
          rows.stream()
              .filter(b -> b.scenario().equals(r.scenario()) && b.database().equals(r.database()))
              .toList();
      var mine = same.stream().filter(b -> b.lanes().equals(r.lanes())).toList();
      var baselines = same.stream().filter(b -> b.lanes().equals("0")).toList();
      int n = mine.indexOf(r);
      if (n < baselines.size()) {
        Row b = baselines.get(n);
        out.append(
            String.format(
                "- %s, %s, lanes %s: %.0f vs %.0f req/s = %.2fx%n",
                r.scenario(),
                r.database(),
                r.lanes(),
                r.perSecond(),
                b.perSecond(),
                r.perSecond() / b.perSecond()));
      }
    }
    System.out.println(out);
    Path file = Path.of("target", "bench-sessions.md");
    Files.createDirectories(file.getParent());
    Files.writeString(file, out);
    assertThat(rows).allSatisfy(r -> assertThat(r.non2xx()).as(r.scenario()).isZero());
  }

  // ---- throughput, with wrk

  private static List<Row> throughput(String db, String lanes) throws Exception {
    StorageConfig storage = db.equals("postgres") ? TestDatabases.postgres() : null;
    var settings = new HashMap<>(TestServer.NO_TOKEN_LIMIT);
    settings.put("log.access", "false");
    if (!lanes.equals("default")) settings.put("sessions.write-lanes", lanes);
    try (TestServer server = TestServer.start(settings, storage, Clock.systemUTC())) {
      Api api = server.api();
      String token = api.token(server.newOrg());
      var fx = new Fixtures(api, token);
      String script = fx.publishedScriptWithKeys(WRITERS);
      String conversation = fx.call(null).get("id").asString();
      List<String> cold = sessions(api, token, script, conversation, COLD_SESSIONS);
      String hot = sessions(api, token, script, conversation, 1).getFirst();
      String name = db.equals("h2") ? "H2" : "PostgreSQL";
      var rows = new ArrayList<Row>();
      for (var phase : List.of(Map.entry("cold", cold), Map.entry("hot", List.of(hot)))) {
        List<String> ids = phase.getValue();
        Path lua = luaScript(token, ids);
        wrk(server.baseUrl(), lua, WARMUP);
        Map<String, Long> before = versions(api, token, ids);
        Object recording =
            phase.getKey().equals("cold") && db.equals("h2") ? Jfr.start(lanes) : null;
        WrkResult r = wrk(server.baseUrl(), lua, SECONDS);
        Jfr.stop(recording);
        Map<String, Long> after = versions(api, token, ids);
        long raised = 0;
        for (String id : ids) raised += after.get(id) - before.get(id);
        long acknowledged = r.requests() - r.non2xx();
        // Requests still in flight when wrk stops may be applied without being counted: at least.
        String check =
            raised >= acknowledged
                ? "versions +" + raised + " >= " + acknowledged + " 2xx"
                : "LOST: versions +" + raised + " < " + acknowledged + " 2xx";
        rows.add(
            progress(
                new Row(
                    "merge-patch, "
                        + (ids.size() == 1 ? "one hot session" : ids.size() + " cold sessions")
                        + ", 64 connections",
                    name,
                    lanes,
                    r.requests(),
                    r.non2xx() + (raised >= acknowledged ? 0 : acknowledged - raised),
                    r.perSecond(),
                    r.p50(),
                    r.p99(),
                    check)));
      }
      return rows;
    } finally {
      if (storage != null) TestDatabases.drop(storage);
    }
  }

  /** A measured row, also printed at once (a later failure does not lose it). */
  static Row progress(Row row) {
    System.out.println("measured: " + row);
    return row;
  }

  /** {@code n} sessions of the script on the conversation, created 100 at a time. */
  static List<String> sessions(Api api, String token, String script, String conversation, int n) {
    var ids = new ArrayList<String>();
    while (ids.size() < n) {
      int batch = Math.min(100, n - ids.size());
      var body = new StringBuilder("[");
      for (int i = 0; i < batch; i++)
        body.append(i == 0 ? "" : ",")
            .append("{\"scriptId\":\"")
            .append(script)
            .append("\",\"conversationId\":\"")
            .append(conversation)
            .append("\"}");
      Api.Response r = api.post(BASE + "bulk", token, body.append("]").toString());
      if (r.status() != 200) throw new AssertionError("bulk create failed: " + r);
      for (JsonNode item : r.json().get("results")) {
        if (item.get("status").asInt() != 201) throw new AssertionError("not created: " + item);
        ids.add(item.get("session").get("id").asString());
      }
    }
    return ids;
  }

  static Map<String, Long> versions(Api api, String token, List<String> ids) {
    var versions = new HashMap<String, Long>();
    for (String id : ids) {
      Api.Response r = api.get(BASE + id, token);
      if (r.status() != 200) throw new AssertionError("session read failed: " + r);
      versions.put(id, r.json().get("version").asLong());
    }
    return versions;
  }

  /**
   * A wrk script: each request a merge patch of one variable (k0..k63, in turn) of a random session
   * of {@code ids}, with a fresh value.
   */
  static Path luaScript(String token, List<String> ids) throws IOException {
    var lua = new StringBuilder("local ids = {");
    for (String id : ids) lua.append('"').append(id).append("\",");
    lua.append("}\n")
        .append("local headers = {[\"Authorization\"] = \"Bearer ")
        .append(token)
        .append("\", [\"Content-Type\"] = \"")
        .append(MERGE_PATCH)
        .append("\"}\n")
        .append(
            """
            local counter = 0
            local salt = 0
            local threads = 0
            function setup(thread)
              threads = threads + 1
              thread:set("salt", threads)
            end
            function init(args)
              math.randomseed(os.time() * 1000 + salt)
            end
            function request()
              counter = counter + 1
              local id = ids[math.random(#ids)]
              local body = '{"data":{"k' .. (counter % 64) .. '":"' .. salt .. '-' .. counter .. '"}}'
              return wrk.format("PATCH", "BASE" .. id, headers, body)
            end
            """
                .replace("BASE", BASE));
    Path file = Files.createTempFile("sessions", ".lua");
    Files.writeString(file, lua);
    return file;
  }

  record WrkResult(long requests, long non2xx, double perSecond, String p50, String p99) {}

  static WrkResult wrk(String baseUrl, Path lua, int seconds) throws Exception {
    var cmd =
        List.of(
            "wrk",
            "-t2",
            "-c" + WRITERS,
            "-d" + seconds + "s",
            "--latency",
            "--timeout",
            "30s",
            "-s",
            lua.toString(),
            baseUrl);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) throw new IllegalStateException("wrk failed: " + out);
    Matcher non2xx = Pattern.compile("Non-2xx or 3xx responses:\\s+([0-9]+)").matcher(out);
    Matcher errors =
        Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)")
            .matcher(out);
    long failed = non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0;
    if (errors.find()) for (int g = 1; g <= 4; g++) failed += Long.parseLong(errors.group(g));
    return new WrkResult(
        Long.parseLong(find(out, "([0-9]+) requests in")),
        failed,
        Double.parseDouble(find(out, "Requests/sec:\\s+([0-9.]+)")),
        find(out, "\\s50%\\s+([0-9.]+\\w+)"),
        find(out, "\\s99%\\s+([0-9.]+\\w+)"));
  }

  private static String find(String out, String regex) {
    Matcher m = Pattern.compile(regex).matcher(out);
    if (!m.find()) throw new IllegalStateException("unexpected wrk output: " + out);
    return m.group(1);
  }

  // ---- durability: kill -9 under load

  /**
   * What a writer was told: per (session, writer) the highest counter value acknowledged, per
   * session the highest version acknowledged.
   */
  record Acks(
      Map<String, Long> values, Map<String, Long> versions, AtomicLong count, double perSecond) {}

  private static Row durability(String db) throws Exception {
    StorageConfig storage =
        db.equals("h2") ? TestDatabases.h2() : postgresWithOwnDataDir(TestDatabases.postgres());
    Path log = Files.createTempFile("switchboard-sessions-crash", ".log");
    try {
      TestServer.OrgAccess org;
      List<String> ids;
      Acks acks;
      try (var server = startProcess(storage, true, log)) {
        org = server.org();
        Api api = server.api();
        String token = api.token(org);
        var fx = new Fixtures(api, token);
        String script = fx.publishedScriptWithKeys(WRITERS);
        String conversation = fx.call(null).get("id").asString();
        ids = sessions(api, token, script, conversation, COLD_SESSIONS);
        acks = patchUntilKilled(api, token, ids, server::kill);
      }
      long lost = 0;
      long checked = 0;
      try (var restarted = startProcess(storage, false, log)) {
        Api api = restarted.api();
        String token = api.token(org);
        var sessions = new HashMap<String, JsonNode>();
        for (String id : ids) {
          Api.Response r = api.get(BASE + id, token);
          if (r.status() != 200) throw new AssertionError("session read failed: " + r);
          sessions.put(id, r.json());
        }
        for (var e : acks.values().entrySet()) {
          String[] key = e.getKey().split("#");
          JsonNode value = sessions.get(key[0]).get("data").get("k" + key[1]);
          checked++;
          if (value == null || Long.parseLong(value.asString()) < e.getValue()) lost++;
        }
        for (var e : acks.versions().entrySet())
          if (sessions.get(e.getKey()).get("version").asLong() < e.getValue()) lost++;
      }
      assertThat(acks.count().get()).as("patches acknowledged before the kill").isGreaterThan(200);
      return progress(
          new Row(
              "kill -9 under 64 writers (" + COLD_SESSIONS + " cold sessions), restart, re-read",
              db.equals("h2") ? "H2" : "PostgreSQL",
              "default",
              acks.count().get(),
              lost,
              acks.perSecond(),
              "",
              "",
              acks.count().get()
                  + " acknowledged, "
                  + checked
                  + " (session, writer) values checked, "
                  + lost
                  + " lost"));
    } finally {
      TestDatabases.drop(storage);
    }
  }

  /**
   * A server process; on a loaded machine a JVM may miss {@code ServerProcess}'s 60 s start-up
   * window, so once more before giving up.
   */
  static ServerProcess startProcess(StorageConfig storage, boolean newOrg, Path log) {
    try {
      return ServerProcess.start(TestServer.NO_TOKEN_LIMIT, storage, newOrg, log);
    } catch (IllegalStateException slow) {
      System.out.println("server process start failed, once more: " + slow.getMessage());
      return ServerProcess.start(TestServer.NO_TOKEN_LIMIT, storage, newOrg, log);
    }
  }

  /**
   * {@value #WRITERS} writers (Java threads, one request at a time each) patch random sessions for
   * {@code bench.kill-after-seconds} (8), then {@code kill} runs while they are still writing.
   */
  static Acks patchUntilKilled(Api api, String token, List<String> ids, Runnable kill)
      throws InterruptedException {
    var values = new ConcurrentHashMap<String, Long>();
    var versions = new ConcurrentHashMap<String, Long>();
    var count = new AtomicLong();
    var stop = new AtomicBoolean();
    var writers = new ArrayList<Thread>();
    for (int w = 0; w < WRITERS; w++) {
      int writer = w;
      writers.add(
          Thread.ofPlatform()
              .start(() -> {
                long counter = 0;
                while (!stop.get()) {
                  String id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
                  counter++;
                  try {
                    Api.Response r =
                        api.patch(
                            BASE + id,
                            token,
                            "{\"data\":{\"k" + writer + "\":\"" + counter + "\"}}",
                            "Content-Type",
                            MERGE_PATCH);
                    if (r.status() == 200) {
                      values.merge(id + "#" + writer, counter, Math::max);
                      versions.merge(id, r.json().get("version").asLong(), Math::max);
                      count.incrementAndGet();
                    }
                  } catch (RuntimeException e) {
                    if (stop.get()) return;
                  }
                }
              }));
    }
    long started = System.nanoTime();
    Thread.sleep(Duration.ofSeconds(Long.getLong("bench.kill-after-seconds", 8)).toMillis());
    double perSecond = count.get() / ((System.nanoTime() - started) / 1e9);
    // Every 200 counts, also one read while the kill runs: the server sent it, so it must hold.
    kill.run();
    stop.set(true);
    for (Thread t : writers) t.join();
    return new Acks(values, versions, count, perSecond);
  }

  static StorageConfig postgresWithOwnDataDir(StorageConfig pg) throws IOException {
    return new StorageConfig(
        Files.createTempDirectory("switchboard-pg"),
        pg.jdbcUrl(),
        pg.user(),
        pg.password(),
        pg.poolSize(),
        pg.schema());
  }

  /** A JFR recording of one phase when {@code -Dbench.jfr=FILE} is set. */
  static final class Jfr {
    static Object start(String lanes) {
      String file = System.getProperty("bench.jfr");
      if (file == null || file.isBlank()) return null;
      file = file.replace(".jfr", "-lanes-" + lanes + ".jfr");
      try {
        var recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
        recording.setDestination(Path.of(file));
        recording.enable("jdk.FileWrite").withThreshold(Duration.ZERO);
        recording.start();
        return recording;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    static void stop(Object recording) {
      if (recording instanceof jdk.jfr.Recording r) {
        r.stop();
        r.close();
      }
    }
  }
}
