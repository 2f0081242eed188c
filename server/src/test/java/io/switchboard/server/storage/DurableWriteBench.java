package io.switchboard.server.storage;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.testing.ServerProcess;
import io.switchboard.server.testing.TestDatabases;
import io.switchboard.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What durable commits cost on the embedded H2: wrap-up-code creates a second with 16 writers, with
 * WRITE_DELAY=500 (H2's default, which lost acknowledged writes on a crash) against the default now
 * (WRITE_DELAY=0), in the same run, alternating, each on a fresh data directory in a server process
 * of its own; and the commit alone through the store, without HTTP. Run on purpose: {@code mvn -B
 * -q -pl server verify -Dtest=DurableWriteBench -Dsurefire.failIfNoSpecifiedTests=false}; the
 * numbers are in {@code server/target/surefire-reports/*DurableWriteBench-output.txt}.
 */
class DurableWriteBench {
  static final Duration WARM_UP = Duration.ofSeconds(5);
  static final Duration MEASURE = Duration.ofSeconds(15);

  @Test
  void createsPerSecondWithAndWithoutWriteDelay() throws Exception {
    for (int round = 1; round <= 3; round++) {
      // Alternating which goes first, so warm-up and drift do not favour one side.
      double delayed = round % 2 == 1 ? measure(true) : 0;
      double durable = measure(false);
      if (round % 2 == 0) delayed = measure(true);
      // The machine is shared: the load average says how much the numbers can be trusted.
      String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
      System.out.printf(
          "round %d: WRITE_DELAY=500 %.0f creates/s, WRITE_DELAY=0 %.0f creates/s, ratio %.2f (load"
              + " average %s)%n",
          round, delayed, durable, durable / delayed, load);
    }
  }

  /**
   * The commit alone, without HTTP: 16 threads inserting wrap-up codes through the store, each
   * insert its own transaction, on an H2 file opened both ways.
   */
  @Test
  void commitsPerSecondWithAndWithoutWriteDelay() throws Exception {
    for (int round = 1; round <= 3; round++) {
      // Alternating which goes first, so warm-up and drift do not favour one side.
      double delayed = round % 2 == 1 ? commits(true) : 0;
      double durable = commits(false);
      if (round % 2 == 0) delayed = commits(true);
      String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
      System.out.printf(
          "store round %d: WRITE_DELAY=500 %.0f commits/s, WRITE_DELAY=0 %.0f commits/s, ratio %.2f"
              + " (load average %s)%n",
          round, delayed, durable, durable / delayed, load);
    }
  }

  private static double commits(boolean delayed) throws Exception {
    StorageConfig h2 = TestDatabases.h2();
    String url =
        delayed
            ? "jdbc:h2:file:"
                + h2.dataDir().toAbsolutePath().resolve("switchboard")
                + Database.H2_OPTIONS
                + ";WRITE_DELAY=500"
            : null;
    try (var database = Database.open(new StorageConfig(h2.dataDir(), url, null, null, 64, null))) {
      var store = new io.switchboard.server.conversations.WrapupCodeStore(database.jdbi());
      var count = new java.util.concurrent.atomic.AtomicLong();
      var stop = new java.util.concurrent.atomic.AtomicBoolean();
      var threads = new java.util.ArrayList<Thread>();
      for (int t = 0; t < CrashDurabilityIT.WRITERS; t++) {
        threads.add(
            Thread.ofPlatform()
                .start(() -> {
                  while (!stop.get()) {
                    var now = java.time.Instant.now();
                    store.insert(
                        new io.switchboard.server.conversations.WrapupCode(
                            java.util.UUID.randomUUID().toString(),
                            "org",
                            java.util.UUID.randomUUID().toString(),
                            "bench",
                            "bench",
                            now,
                            now));
                    count.incrementAndGet();
                  }
                }));
      }
      Thread.sleep(WARM_UP.toMillis());
      long before = count.get();
      long started = System.nanoTime();
      Thread.sleep(MEASURE.toMillis());
      double perSecond = (count.get() - before) / ((System.nanoTime() - started) / 1e9);
      stop.set(true);
      for (Thread t : threads) t.join();
      return perSecond;
    }
  }

  private static double measure(boolean delayed) throws Exception {
    StorageConfig storage = TestDatabases.h2();
    var settings = new HashMap<>(TestServer.NO_TOKEN_LIMIT);
    if (delayed) {
      Path file = storage.dataDir().toAbsolutePath().resolve("switchboard");
      settings.put(
          SettingKeys.JDBC_URL, "jdbc:h2:file:" + file + Database.H2_OPTIONS + ";WRITE_DELAY=500");
    }
    Path log = Files.createTempFile("switchboard-bench", ".log");
    try (var server = ServerProcess.start(Map.copyOf(settings), storage, true, log)) {
      String token = server.api().token(server.org());
      CrashDurabilityIT.createCodes(server.api(), token, WARM_UP, () -> {});
      return CrashDurabilityIT.createCodes(server.api(), token, MEASURE, () -> {}).perSecond();
    }
  }
}
