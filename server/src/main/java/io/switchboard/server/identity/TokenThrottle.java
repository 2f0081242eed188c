package io.switchboard.server.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.List;

/**
 * Throttles {@code POST /oauth/token} before any secret is checked, so guessing cannot make the
 * server spend bcrypt time without bound (one wrong secret costs tens of milliseconds of CPU; eight
 * threads of them slowed every other tenant's calls a thousandfold). Two kinds of bucket, each per
 * client id and per remote address:
 *
 * <ul>
 *   <li><b>failures</b>: a failed authentication takes a token; while either bucket is empty the
 *       endpoint answers 429 without checking the secret. A caller presenting the secret this node
 *       already verified for that client is let through (a cheap digest comparison), so an attacker
 *       who knows a client id cannot lock its owner out.
 *   <li><b>attempts</b>: every request takes a token, bounding the database look-ups one address
 *       can cause.
 * </ul>
 *
 * Buckets live in this node's memory (Caffeine, bounded, forgotten after ten idle minutes): with N
 * nodes an attacker gets at most N times the budget, still bounded.
 */
public final class TokenThrottle {
  private static final Duration IDLE = Duration.ofMinutes(10);
  private static final long MAX_KEYS = 100_000;

  /** Per minute per client id and per address; 0 means no limit of that kind. */
  public record Limits(int failuresPerMinute, int attemptsPerMinute) {}

  /** Why a request was not admitted and how long to wait. */
  public record Refusal(boolean forFailures, Duration retryAfter) {}

  private final Limits limits;
  private final Cache<String, Bucket> failures =
      Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterAccess(IDLE).build();
  private final Cache<String, Bucket> attempts =
      Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterAccess(IDLE).build();

  public TokenThrottle(Limits limits) {
    this.limits = limits;
  }

  /**
   * Takes one attempt for {@code clientId} and {@code address}; null when the request may go on to
   * the secret check, else the refusal. An attempts refusal comes first: it bounds even callers
   * with a good secret.
   */
  public Refusal admit(String clientId, String address) {
    if (limits.attemptsPerMinute() > 0) {
      for (String key : keys(clientId, address)) {
        Bucket b = attempts.get(key, k -> bucket(limits.attemptsPerMinute()));
        var probe = b.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed())
          return new Refusal(false, Duration.ofNanos(probe.getNanosToWaitForRefill()));
      }
    }
    if (limits.failuresPerMinute() > 0) {
      for (String key : keys(clientId, address)) {
        Bucket b = failures.getIfPresent(key);
        if (b == null) continue;
        long wait = b.estimateAbilityToConsume(1).getNanosToWaitForRefill();
        if (wait > 0) return new Refusal(true, Duration.ofNanos(wait));
      }
    }
    return null;
  }

  /** Records a failed authentication against the client id and the address. */
  public void failed(String clientId, String address) {
    if (limits.failuresPerMinute() <= 0) return;
    for (String key : keys(clientId, address))
      failures.get(key, k -> bucket(limits.failuresPerMinute())).tryConsume(1);
  }

  private static List<String> keys(String clientId, String address) {
    // Prefixes keep a client id that looks like an address from sharing its bucket.
    return List.of("addr:" + address, "client:" + (clientId == null ? "" : clientId));
  }

  private static Bucket bucket(int perMinute) {
    return Bucket.builder()
        .addLimit(
            Bandwidth.builder()
                .capacity(perMinute)
                .refillGreedy(perMinute, Duration.ofMinutes(1))
                .build())
        .build();
  }
}
