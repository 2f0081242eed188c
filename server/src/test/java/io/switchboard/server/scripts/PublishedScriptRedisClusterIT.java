package io.switchboard.server.scripts;

import io.switchboard.server.testing.RedisServer;
import io.switchboard.server.testing.TestDatabases;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same cases with Redis configured: the signal travels by Redis pub/sub. */
class PublishedScriptRedisClusterIT extends PublishedScriptClusterIT {
  static RedisServer redis;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    storage = TestDatabases.postgres();
    startNodes(
        Map.of(
            "limits.redis-url",
            redis.url(),
            "limits.redis-key-prefix",
            "sbtest:" + UUID.randomUUID() + ":",
            "notifications.redis-channel",
            "sbtest:notifications:" + UUID.randomUUID()));
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) redis.close();
  }
}
