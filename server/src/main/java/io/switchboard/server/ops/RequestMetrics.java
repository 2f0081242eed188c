package io.switchboard.server.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The Prometheus registry: request counts and latency by route and status, and the JVM's own
 * meters.
 */
public final class RequestMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  /**
   * Timers by method, route and status: building the meter id on every request costs more than the
   * request's own work.
   */
  private final ConcurrentHashMap<TimerKey, Timer> timers = new ConcurrentHashMap<>();

  private final ConcurrentHashMap<String, Counter> hotReads = new ConcurrentHashMap<>();

  /**
   * A timer's identity. Its strings are the route's and the method's own, whose hash codes are
   * computed once; a key joined into a new string per request was concatenated and hashed again
   * every time (0.7% of a cached read's CPU, issue 14).
   */
  private record TimerKey(String method, int status, String route) {}

  /**
   * {@code perOrgSeries} false (the default, {@code ops.metrics.per-org}) drops the {@code org} tag
   * before any meter is registered: a scrape then shows totals only, never which orgs exist or how
   * busy each is.
   */
  public RequestMetrics(boolean perOrgSeries) {
    if (!perOrgSeries) registry.config().meterFilter(MeterFilter.ignoreTags("org"));
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    gc.bindTo(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * {@code route} is the route template (never the raw path), so ids do not explode the series
   * count.
   */
  public void record(String method, String route, int status, float millis) {
    Timer timer =
        timers.computeIfAbsent(
            new TimerKey(method, status, route),
            k ->
                Timer.builder("http.server.requests")
                    .tag("method", method)
                    .tag("route", route)
                    .tag("status", Integer.toString(status))
                    .register(registry));
    timer.record((long) (millis * 1000), TimeUnit.MICROSECONDS);
  }

  /**
   * A request {@code record}ed for {@code route} that was answered ahead of Javalin (the HTTP
   * server's hot reads): against the route's 200s, the share the fast path took.
   */
  public void hotRead(String route) {
    hotReads
        .computeIfAbsent(
            route,
            r ->
                Counter.builder("http.server.hot.reads")
                    .description("200s answered ahead of the servlet and Javalin, by route")
                    .tag("route", r)
                    .register(registry))
        .increment();
  }

  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
