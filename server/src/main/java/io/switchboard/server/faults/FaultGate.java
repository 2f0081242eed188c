package io.switchboard.server.faults;

import io.github.bucket4j.ConsumptionProbe;
import io.javalin.http.Context;
import io.switchboard.server.faults.FaultRuleRequest.FaultEffect;
import io.switchboard.server.faults.FaultRuleRequest.FaultMatch;
import io.switchboard.server.http.RequestGate;
import io.switchboard.server.identity.Principal;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;

/**
 * Fault injection on the request path: runs after authentication and the rate limits, so a rule
 * sees the caller's org (and only ever acts on that org's requests), and the normal limits still
 * count. The faults API itself is never faulted (a rule must not lock out its own removal), nor is
 * {@code /oauth/token} (outside {@code /api/v2}, before any org is known).
 */
public final class FaultGate implements RequestGate {
  public static final String HEADER = "Switchboard-Fault";
  static final String WRITE_MARK = "switchboard.faults.write";
  static final String KEEP_READ = "switchboard.faults.keep-read";

  private final ActiveFaults active;
  private final WriteMarks marks;

  FaultGate(ActiveFaults active, WriteMarks marks) {
    this.active = active;
    this.marks = marks;
  }

  @Override
  public void admit(Context ctx, Principal principal) {
    String path = ctx.path();
    if (path.startsWith(FaultRoutes.BASE)) return;
    ActiveFaults.OrgRules rules = active.of(principal.orgId());
    if (rules.inbound().isEmpty()) return;
    String method = ctx.method().name();
    boolean read = method.equals("GET") || method.equals("HEAD");
    if (!read && rules.anyLag()) ctx.attribute(WRITE_MARK, principal.orgId());
    for (RuleState state : rules.inbound()) {
      FaultRule rule = state.rule();
      if (!rule.activeAt(active.now()) || !matches(rule.definition().match(), ctx, principal))
        continue;
      long draw = state.roll();
      if (draw < 0) continue;
      apply(state, draw, ctx, principal, path, read);
    }
  }

  /** An org with no inbound rule: {@link #admit} would do nothing. */
  @Override
  public boolean admitsHot(Principal principal, String path) {
    return path.startsWith(FaultRoutes.BASE) || active.of(principal.orgId()).inbound().isEmpty();
  }

  /**
   * A successful write marks its resource; a read a rule may later serve as the previous version is
   * kept.
   */
  @Override
  public void answered(Context ctx) {
    String org = ctx.attribute(WRITE_MARK);
    if (org != null && ctx.statusCode() / 100 == 2)
      marks.written(org, ctx.path(), System.nanoTime());
    String reader = ctx.attribute(KEEP_READ);
    if (reader != null && ctx.statusCode() == 200) {
      String body = ctx.result();
      if (body != null)
        marks.read(
            reader,
            ctx.path(),
            new WriteMarks.Snapshot(
                body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                ctx.res().getContentType(),
                System.nanoTime()));
    }
  }

  static boolean matches(FaultMatch m, Context ctx, Principal principal) {
    if (m.method() != null && !m.method().equals(ctx.method().name())) return false;
    if (m.path() != null && !Glob.matches(m.path(), ctx.path())) return false;
    if (m.clientId() != null && !m.clientId().equals(principal.clientId())) return false;
    if (m.header() != null) {
      String v = ctx.header(m.header().name());
      if (v == null) return false;
      if (m.header().value() != null && !m.header().value().equals(v)) return false;
    }
    return true;
  }

  private void apply(
      RuleState state, long draw, Context ctx, Principal principal, String path, boolean read) {
    FaultRule rule = state.rule();
    FaultEffect e = rule.definition().effect();
    switch (rule.type()) {
      case LATENCY -> {
        inject(state, ctx);
        sleep(latency(state, draw, e));
      }
      case STATUS -> throw refuse(state, ctx, e.status(), e.retryAfterSeconds(), e.message());
      case RESET -> {
        inject(state, ctx);
        drop(ctx);
      }
      case STALL -> {
        inject(state, ctx);
        sleep(e.durationMs());
        drop(ctx);
      }
      case FAIL_FIRST -> {
        if (state.exhausted) return;
        if (!active.store().claim(rule.id(), e.count())) {
          state.exhausted = true;
          return;
        }
        throw refuse(state, ctx, e.status(), e.retryAfterSeconds(), e.message());
      }
      case OUTAGE -> {
        Instant now = active.now();
        Instant from = Instant.parse(e.from());
        Instant until = Instant.parse(e.until());
        if (now.isBefore(from) || !now.isBefore(until)) return;
        long retryAfter =
            e.retryAfterSeconds() != null
                ? e.retryAfterSeconds()
                : Math.max(1, (Duration.between(now, until).toMillis() + 999) / 1000);
        throw refuse(state, ctx, e.status(), retryAfter, e.message());
      }
      case RATE_LIMIT_SQUEEZE -> squeeze(state, ctx, e);
      case VERSION_MISMATCH -> {
        if (read) return;
        inject(state, ctx);
        throw new InjectedFault(
            409,
            "version.mismatch",
            e.message() != null
                ? e.message()
                : "The version given is stale: the resource was changed by another writer; read"
                    + " it again and retry",
            Map.of());
      }
      case READ_AFTER_WRITE_LAG -> {
        Long written = marks.lastWrite(principal.orgId(), path);
        // A write the rule matches lags too (seed 004's wrap-up POST); only a read has a previous
        // version.
        boolean previous = read && Boolean.TRUE.equals(e.previousVersion());
        if (written == null || System.nanoTime() - written >= e.lagMs() * 1_000_000) {
          if (previous) ctx.attribute(KEEP_READ, principal.orgId());
          return;
        }
        WriteMarks.Snapshot before = previous ? marks.lastRead(principal.orgId(), path) : null;
        if (before != null && before.nanos() - written < 0) {
          inject(state, ctx);
          throw InjectedFault.replay(before);
        }
        throw refuse(state, ctx, e.status(), e.retryAfterSeconds(), e.message());
      }
      default -> {}
    }
  }

  private static long latency(RuleState state, long draw, FaultEffect e) {
    if (e.latencyMs() != null) return e.latencyMs();
    long span = e.maxLatencyMs() - e.minLatencyMs();
    return e.minLatencyMs() + (long) Math.floor(state.uniform(draw, 1) * (span + 1));
  }

  private void squeeze(RuleState state, Context ctx, FaultEffect e) {
    ConsumptionProbe probe =
        e.limit() == 0 ? null : state.squeeze().tryConsumeAndReturnRemaining(1);
    long limit = e.limit();
    ctx.header("inin-ratelimit-allowed", Long.toString(limit));
    if (probe != null && probe.isConsumed()) {
      ctx.header("inin-ratelimit-count", Long.toString(limit - probe.getRemainingTokens()));
      return;
    }
    long waitNanos =
        probe == null
            ? TimeUnit.SECONDS.toNanos(e.windowSeconds())
            : probe.getNanosToWaitForRefill();
    long retryAfter = Math.max(1, (waitNanos + 999_999_999) / 1_000_000_000);
    ctx.header("inin-ratelimit-count", Long.toString(limit));
    var params = new LinkedHashMap<String, Object>();
    params.put("bucket", "fault:" + state.rule().id());
    params.put("limit", Map.of("key", "fault.squeeze", "value", limit));
    params.put("windowSeconds", e.windowSeconds());
    params.put("retryAfterSeconds", retryAfter);
    inject(state, ctx);
    ctx.header("Retry-After", Long.toString(retryAfter));
    throw new InjectedFault(
        429,
        "too.many.requests",
        "Rate limit exceeded: the limit of "
            + limit
            + " requests per "
            + e.windowSeconds()
            + " seconds was reached; retry after "
            + retryAfter
            + (retryAfter == 1 ? " second" : " seconds"),
        params);
  }

  private static InjectedFault refuse(
      RuleState state, Context ctx, int status, Long retryAfter, String message) {
    inject(state, ctx);
    if (retryAfter != null) ctx.header("Retry-After", Long.toString(retryAfter));
    return new InjectedFault(
        status,
        codeOf(status),
        message != null ? message : defaultMessage(status, retryAfter),
        retryAfter == null ? Map.of() : Map.of("retryAfterSeconds", retryAfter));
  }

  private static void inject(RuleState state, Context ctx) {
    state.injected();
    if (!state.rule().definition().silent()) ctx.header(HEADER, state.rule().id());
  }

  static String codeOf(int status) {
    return switch (status) {
      case 400 -> "bad.request";
      case 401 -> "bad.credentials";
      case 403 -> "forbidden";
      case 404 -> "not.found";
      case 408 -> "request.timeout";
      case 409 -> "conflict";
      case 429 -> "too.many.requests";
      case 500 -> "internal.server.error";
      case 502 -> "bad.gateway";
      case 503 -> "service.unavailable";
      case 504 -> "gateway.timeout";
      default -> status < 500 ? "client.error" : "server.error";
    };
  }

  private static String defaultMessage(int status, Long retryAfter) {
    String base =
        switch (status) {
          case 404 -> "The requested resource was not found";
          case 429 -> "Rate limit exceeded the maximum";
          case 503 -> "The service is temporarily unavailable";
          case 504 -> "The request timed out upstream";
          default -> "The request failed with status " + status;
        };
    return retryAfter == null ? base : base + "; retry after " + retryAfter + " seconds";
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }

  /** Resets the connection (RST, not FIN): the client sees its request fail with no answer. */
  private static void drop(Context ctx) {
    EndPoint endPoint =
        ServletContextRequest.getServletContextRequest(ctx.req())
            .getConnectionMetaData()
            .getConnection()
            .getEndPoint();
    if (endPoint.getTransport() instanceof NetworkChannel channel) {
      try {
        channel.setOption(StandardSocketOptions.SO_LINGER, 0);
      } catch (IOException | UnsupportedOperationException ignored) {
        // Closing without linger is the best effort; a plain close still ends the exchange.
      }
    }
    endPoint.close();
    throw InjectedFault.dropped();
  }
}
