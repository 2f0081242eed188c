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
 * (WRITE_DELAY=0), in the same run, alternating, each on a fresh data directory in a server process of its
 * own. Run on purpose: {@code mvn -B -q -pl server verify -Dtest=DurableWriteBench
 * -Dsurefire.failIfNoSpecifiedTests=false}; the numbers are in the test's output file.
 */
class DurableWriteBench {
  static final Duration WARM_UP = Duration.ofSeconds(5);
  static final Duration MEASURE = Duration.ofSeconds(15);

  @Test
  void createsPerSecondWithAndWithoutWriteDelay() throws Exception {
    for (int round = 1; round <= 2; round++) {
      double delayed = measure(true);
      double durable = measure(false);
      System.out.printf("round %d: WRITE_DELAY=500 %.0f creates/s, WRITE_DELAY=0 %.0f creates/s, ratio %.2f%n", round, delayed, durable, durable / delayed);
    }
  }

  private static double measure(boolean delayed) throws Exception {
    StorageConfig storage = TestDatabases.h2();
    var settings = new HashMap<>(TestServer.NO_TOKEN_LIMIT);
    if (delayed) {
      Path file = storage.dataDir().toAbsolutePath().resolve("switchboard");
      settings.put(SettingKeys.JDBC_URL, "jdbc:h2:file:" + file + Database.H2_OPTIONS + ";WRITE_DELAY=500");
    }
    Path log = Files.createTempFile("switchboard-bench", ".log");
    try (var server = ServerProcess.start(Map.copyOf(settings), storage, true, log)) {
      String token = server.api().token(server.org());
      CrashDurabilityIT.createCodes(server.api(), token, WARM_UP, () -> {});
      return CrashDurabilityIT.createCodes(server.api(), token, MEASURE, () -> {}).perSecond();
    }
  }
}
