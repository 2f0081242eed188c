package io.switchboard.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.ServerProcess;
import io.switchboard.server.testing.TestDatabases;
import io.switchboard.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A 2xx means the write survives a crash: the server runs in a JVM of its own, 16 writers create
 * wrap-up codes, the process gets SIGKILL in the middle of it, and after a restart on the same data
 * every acknowledged create must be there. Regression test for lost commits: H2's default
 * WRITE_DELAY (500 ms) acknowledged commits that were still only in memory.
 */
class CrashDurabilityIT {
  static final String CODES = "/api/v2/routing/wrapupcodes";
  static final int WRITERS = 16;

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void everyAcknowledgedCreateSurvivesKill9(String database) throws Exception {
    StorageConfig storage = database.equals("h2") ? TestDatabases.h2() : postgresWithOwnDataDir();
    Path log = Files.createTempFile("switchboard-crash", ".log");
    try {
      Load load;
      TestServer.OrgAccess org;
      try (var server = ServerProcess.start(TestServer.NO_TOKEN_LIMIT, storage, true, log)) {
        org = server.org();
        // At least 3 s and 200 acknowledged creates (a busy machine is slow), at most 30 s.
        load =
            createCodes(
                server.api(),
                server.api().token(org),
                Duration.ofSeconds(3),
                200,
                Duration.ofSeconds(30),
                server::kill);
      }
      try (var restarted = ServerProcess.start(TestServer.NO_TOKEN_LIMIT, storage, false, log)) {
        Api api = restarted.api();
        Set<String> present = new HashSet<>(ServerProcess.allIds(api, api.token(org), CODES));
        var lost = new ArrayList<>(load.acknowledged());
        lost.removeAll(present);
        System.out.printf(
            "%s: %d creates acknowledged before kill -9 (%.0f/s), %d lost%s%n",
            database,
            load.acknowledged().size(),
            load.perSecond(),
            lost.size(),
            lost.isEmpty() ? "" : " " + load.describe(lost));
        assertThat(load.acknowledged())
            .as("the load must have been acknowledged before the kill")
            .hasSizeGreaterThan(100);
        assertThat(lost)
            .as("acknowledged creates missing after kill -9 and restart (%s)", load.describe(lost))
            .isEmpty();
      }
    } finally {
      TestDatabases.drop(storage);
    }
  }

  /**
   * The ids of the creates that were answered 201, and how many a second that was; {@code
   * acknowledgedAt} is when each 201 arrived and {@code killedAt} when the kill began (both {@link
   * System#nanoTime()}), so a failure tells whether the lost creates were the last ones before the
   * kill (a lost final write) or from the middle of the load.
   */
  record Load(
      List<String> acknowledged,
      double perSecond,
      Map<String, Long> acknowledgedAt,
      long killedAt) {
    String describe(List<String> ids) {
      long last = acknowledgedAt.values().stream().mapToLong(Long::longValue).max().orElse(0);
      var parts = new ArrayList<String>();
      for (String id : ids) {
        Long at = acknowledgedAt.get(id);
        long later = at == null ? -1 : acknowledgedAt.values().stream().filter(t -> t > at).count();
        parts.add(
            String.format(
                "%s acknowledged %d ms before the kill, %d acknowledgements after it",
                id, at == null ? -1 : (killedAt - at) / 1_000_000, later));
      }
      return String.join("; ", parts)
          + String.format(
              "; last acknowledgement %d ms before the kill", (killedAt - last) / 1_000_000);
    }
  }

  /**
   * {@link #createCodes(Api, String, Duration, int, Duration, Runnable)} for exactly {@code
   * duration}.
   */
  static Load createCodes(Api api, String token, Duration duration, Runnable atEnd)
      throws InterruptedException {
    return createCodes(api, token, duration, 0, duration, atEnd);
  }

  /**
   * {@value #WRITERS} writers create wrap-up codes for at least {@code minimum} and until {@code
   * target} were acknowledged, for at most {@code maximum}; then {@code atEnd} runs while they are
   * still writing (the kill lands in the middle of requests), and the writers stop at their next
   * failure.
   */
  static Load createCodes(
      Api api, String token, Duration minimum, int target, Duration maximum, Runnable atEnd)
      throws InterruptedException {
    var acknowledged = ConcurrentHashMap.<String>newKeySet();
    var acknowledgedAt = new ConcurrentHashMap<String, Long>();
    var stop = new AtomicBoolean();
    var writers = new ArrayList<Thread>();
    for (int w = 0; w < WRITERS; w++) {
      writers.add(
          Thread.ofPlatform()
              .start(() -> {
                while (!stop.get()) {
                  try {
                    Api.Response r =
                        api.post(CODES, token, "{\"name\":\"code-" + UUID.randomUUID() + "\"}");
                    if (r.status() == 201) {
                      String id = r.json().get("id").asString();
                      acknowledgedAt.put(id, System.nanoTime());
                      acknowledged.add(id);
                    }
                  } catch (RuntimeException e) {
                    if (stop.get()) return;
                  }
                }
              }));
    }
    long started = System.nanoTime();
    Thread.sleep(minimum.toMillis());
    while (acknowledged.size() < target && System.nanoTime() - started < maximum.toNanos())
      Thread.sleep(50);
    int countAtEnd = acknowledged.size();
    double seconds = (System.nanoTime() - started) / 1e9;
    long killedAt = System.nanoTime();
    atEnd.run();
    stop.set(true);
    for (Thread t : writers) t.join();
    return new Load(
        List.copyOf(acknowledged), countAtEnd / seconds, Map.copyOf(acknowledgedAt), killedAt);
  }

  /**
   * PostgreSQL in a schema of its own, and a data directory of its own for the server's key files.
   */
  static StorageConfig postgresWithOwnDataDir() throws java.io.IOException {
    StorageConfig pg = TestDatabases.postgres();
    return new StorageConfig(
        java.nio.file.Files.createTempDirectory("switchboard-pg"),
        pg.jdbcUrl(),
        pg.user(),
        pg.password(),
        pg.poolSize(),
        pg.schema());
  }
}
