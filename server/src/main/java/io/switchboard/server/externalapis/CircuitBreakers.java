package io.switchboard.server.externalapis;

import dev.failsafe.CircuitBreaker;
import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One circuit breaker per external API (per server node). A circuit opens when at least {@code
 * failureRatePercent} of the executions in the last {@code window} failed, once there were at least
 * {@code minimumCalls} of them; it then refuses calls ({@code circuit-open}) for {@code openWait},
 * lets one trial call through (half-open), and closes on its success or opens again on its failure.
 *
 * <p>An execution counts as a failure when it timed out, could not connect, ended in a 429 or 5xx
 * after its retries, or answered something that is not the JSON expected. Other 4xx answers count
 * as successes: the endpoint is up and the request is what is wrong, so opening the circuit would
 * not help.
 */
public final class CircuitBreakers {
  private static final Logger log = LoggerFactory.getLogger(CircuitBreakers.class);

  public record Config(
      int failureRatePercent, int minimumCalls, Duration window, Duration openWait) {
    public static Config from(Settings s) {
      return new Config(
          s.integer(SettingKeys.BREAKER_FAILURE_RATE, 1, 100),
          s.integer(SettingKeys.BREAKER_MINIMUM_CALLS, 1, 10_000),
          Duration.ofSeconds(s.integer(SettingKeys.BREAKER_WINDOW, 1, 86_400)),
          Duration.ofMillis(s.integer(SettingKeys.BREAKER_OPEN_MILLIS, 1, 3_600_000)));
    }
  }

  /** An execution's own verdict on whether the circuit counts it as a failure. */
  interface Judged {
    boolean breakerFailure();
  }

  private final Config config;
  private final ConcurrentHashMap<String, CircuitBreaker<Object>> byApi = new ConcurrentHashMap<>();

  public CircuitBreakers(Config config) {
    this.config = config;
  }

  public Config config() {
    return config;
  }

  CircuitBreaker<Object> of(String apiId) {
    return byApi.computeIfAbsent(
        apiId,
        id ->
            CircuitBreaker.builder()
                .withFailureRateThreshold(
                    config.failureRatePercent(), config.minimumCalls(), config.window())
                .withDelay(config.openWait())
                .withSuccessThreshold(1)
                // An execution that throws is a failure too: the permit is always given back.
                .handleIf((result, failure) ->
                    failure != null || result instanceof Judged judged && judged.breakerFailure())
                .onOpen(e ->
                    log.warn(
                        "external API {}: circuit opened (at least {}% of the calls in the last {}"
                            + " s failed); refusing calls for {} ms",
                        id,
                        config.failureRatePercent(),
                        config.window().toSeconds(),
                        config.openWait().toMillis()))
                .onHalfOpen(e ->
                    log.info(
                        "external API {}: circuit half-open, letting a trial call through", id))
                .onClose(e -> log.info("external API {}: circuit closed", id))
                .build());
  }

  /** {@code closed}, {@code open} or {@code half-open}. */
  public String state(String apiId) {
    CircuitBreaker<Object> b = byApi.get(apiId);
    return b == null ? "closed" : stateName(b);
  }

  static String stateName(CircuitBreaker<Object> b) {
    return b.getState().name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** A deleted or changed external API starts over with a closed circuit. */
  void forget(String apiId) {
    byApi.remove(apiId);
  }
}
