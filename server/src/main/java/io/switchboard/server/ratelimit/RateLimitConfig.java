package io.switchboard.server.ratelimit;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rate limiting as configured: the global default of every limit, and where the buckets live (in
 * memory, or in Redis at {@code redisUrl}).
 */
public record RateLimitConfig(
    Map<String, Long> defaults,
    String redisUrl,
    String redisKeyPrefix,
    Duration redisTimeout,
    Duration redisRetry,
    Duration redisLocalPass,
    int redisLeaseTokens) {
  public RateLimitConfig {
    defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
  }

  /** Every request asks Redis (no local pass, no leases). */
  public RateLimitConfig(
      Map<String, Long> defaults,
      String redisUrl,
      String redisKeyPrefix,
      Duration redisTimeout,
      Duration redisRetry) {
    this(defaults, redisUrl, redisKeyPrefix, redisTimeout, redisRetry, Duration.ZERO, 0);
  }

  public static RateLimitConfig from(Settings settings) {
    var defaults = new LinkedHashMap<String, Long>();
    for (LimitCatalog.Definition d : LimitCatalog.ALL) {
      defaults.put(
          d.key(),
          (long)
              settings.integer(
                  SettingKeys.LIMITS_PREFIX + d.key(), 0, (int) LimitCatalog.MAX_VALUE));
    }
    return new RateLimitConfig(
        defaults,
        settings.optional(SettingKeys.LIMITS_REDIS_URL).orElse(null),
        settings.string(SettingKeys.LIMITS_REDIS_PREFIX),
        Duration.ofMillis(settings.integer(SettingKeys.LIMITS_REDIS_TIMEOUT, 10, 60_000)),
        Duration.ofMillis(settings.integer(SettingKeys.LIMITS_REDIS_RETRY, 10, 600_000)),
        Duration.ofMillis(settings.integer(SettingKeys.LIMITS_REDIS_LOCAL_PASS, 0, 1000)),
        settings.integer(SettingKeys.LIMITS_REDIS_LEASE, 0, 10_000));
  }

  public boolean clustered() {
    return redisUrl != null;
  }
}
