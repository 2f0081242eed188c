package io.switchboard.client;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ClientListener} that records into a Micrometer {@link MeterRegistry} (Micrometer is an
 * optional dependency: add {@code io.micrometer:micrometer-core} to use this class). Install with
 * {@code builder.listener(new MicrometerClientMetrics(registry))}; one instance may serve many
 * clients (tags tell the orgs apart).
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>meter</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@code switchboard.client.requests}</td><td>timer</td><td>org, operation, status</td></tr>
 *   <tr><td>{@code switchboard.client.retries}</td><td>counter</td><td>org, operation, status</td></tr>
 *   <tr><td>{@code switchboard.client.retry.wait}</td><td>timer</td><td>org, operation</td></tr>
 *   <tr><td>{@code switchboard.client.pacer.wait}</td><td>timer</td><td>org, operation</td></tr>
 *   <tr><td>{@code switchboard.client.cache.reads}</td><td>counter</td><td>org, operation, result
 *       ({@code hit}, {@code miss})</td></tr>
 *   <tr><td>{@code switchboard.client.breaker.state}</td><td>gauge (0 closed, 1 half-open, 2
 *       open)</td><td>org</td></tr>
 * </table>
 */
public final class MicrometerClientMetrics implements ClientListener {
  private final MeterRegistry registry;
  private final Map<String, AtomicInteger> breakerStates = new ConcurrentHashMap<>();

  /**
   * Records into {@code registry}.
   *
   * @param registry the registry to register the meters in
   */
  public MicrometerClientMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void requestCompleted(String org, String operation, int status, Duration took) {
    Timer.builder("switchboard.client.requests")
        .tags("org", org, "operation", operation, "status", Integer.toString(status))
        .register(registry)
        .record(took);
  }

  @Override
  public void retryScheduled(String org, String operation, int status, Duration wait) {
    Counter.builder("switchboard.client.retries")
        .tags("org", org, "operation", operation, "status", Integer.toString(status))
        .register(registry)
        .increment();
    Timer.builder("switchboard.client.retry.wait")
        .tags("org", org, "operation", operation)
        .register(registry)
        .record(wait);
  }

  @Override
  public void pacerWaited(String org, String operation, Duration wait) {
    Timer.builder("switchboard.client.pacer.wait")
        .tags("org", org, "operation", operation)
        .register(registry)
        .record(wait);
  }

  @Override
  public void breakerStateChanged(String org, String state) {
    breakerStates
        .computeIfAbsent(
            org,
            o -> {
              var value = new AtomicInteger();
              registry.gauge(
                  "switchboard.client.breaker.state",
                  io.micrometer.core.instrument.Tags.of("org", o),
                  value);
              return value;
            })
        .set(
            switch (state) {
              case "OPEN" -> 2;
              case "HALF_OPEN" -> 1;
              default -> 0;
            });
  }

  @Override
  public void cacheRead(String org, String operation, boolean hit) {
    Counter.builder("switchboard.client.cache.reads")
        .tags("org", org, "operation", operation, "result", hit ? "hit" : "miss")
        .register(registry)
        .increment();
  }
}
