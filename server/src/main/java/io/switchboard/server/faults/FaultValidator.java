package io.switchboard.server.faults;

import io.switchboard.server.errors.Problem;
import io.switchboard.server.faults.FaultRuleRequest.FaultEffect;
import io.switchboard.server.faults.FaultRuleRequest.FaultMatch;
import io.switchboard.server.faults.FaultRuleRequest.HeaderMatch;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;

/**
 * Checks a rule at the edge and fills its defaults. Every refusal is a 400 with a stable code
 * naming what is wrong ({@code fault.effect.unknown}, {@code fault.status.out.of.range}, {@code
 * fault.probability.out.of.range}, {@code fault.path.too.long}, or {@code invalid.value} with the
 * field).
 */
final class FaultValidator {
  static final int MAX_NAME = 200;
  static final int MAX_PATH = 512;
  static final int MAX_WILDCARDS = 8;
  static final int MAX_HEADER = 200;
  static final long MAX_LATENCY_MS = 60_000;
  static final long MAX_STALL_MS = 120_000;
  static final long MAX_LAG_MS = 600_000;
  static final long MAX_TTL_SECONDS = 7 * 86_400;
  static final long MAX_RETRY_AFTER = 3_600;
  static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");

  private final SecureRandom seeds = new SecureRandom();

  /** A checked rule, ready to store. */
  record Checked(
      String name, boolean enabled, FaultRule.Definition definition, Instant expiresAt) {}

  Checked check(FaultRuleRequest r, Instant now, String scenario) {
    if (r == null) throw Problem.badRequest("A fault rule is required");
    String name = r.name() == null ? "" : r.name().trim();
    if (name.isEmpty()) throw Problem.invalid("name", "is required");
    if (name.length() > MAX_NAME)
      throw Problem.invalid("name", "must be at most " + MAX_NAME + " characters");
    if (r.effect() == null) throw Problem.invalid("effect", "is required");
    String typeName = r.effect().type();
    EffectType type =
        EffectType.of(typeName)
            .orElseThrow(() ->
                new Problem(
                    Problem.Kind.INVALID,
                    "fault.effect.unknown",
                    "effect.type: unknown effect type '"
                        + typeName
                        + "'; known: "
                        + EffectType.names(),
                    Map.of("field", "effect.type")));
    FaultMatch match = checkMatch(r.match(), type);
    double probability = r.probability() == null ? 1.0 : r.probability();
    if (!(probability >= 0 && probability <= 1))
      throw new Problem(
          Problem.Kind.INVALID,
          "fault.probability.out.of.range",
          "probability: must be between 0 and 1, got " + r.probability(),
          Map.of("field", "probability"));
    // A rule without a seed gets one now, shown on the rule: its sequence can be replayed later.
    long seed = r.seed() != null ? r.seed() : seeds.nextLong() >>> 16;
    FaultEffect effect = checkEffect(r.effect(), type, now);
    Instant expiresAt = null;
    if (r.ttlSeconds() != null && r.until() != null)
      throw Problem.invalid("ttlSeconds", "give ttlSeconds or until, not both");
    if (r.ttlSeconds() != null) {
      range("ttlSeconds", r.ttlSeconds(), 1, MAX_TTL_SECONDS);
      expiresAt = now.plusSeconds(r.ttlSeconds());
    }
    if (r.until() != null) {
      expiresAt = instant("until", r.until());
      if (!expiresAt.isAfter(now)) throw Problem.invalid("until", "must be in the future");
      if (expiresAt.isAfter(now.plus(Duration.ofSeconds(MAX_TTL_SECONDS))))
        throw Problem.invalid("until", "must be within 7 days");
    }
    return new Checked(
        name,
        r.enabled() == null || r.enabled(),
        new FaultRule.Definition(
            match, probability, seed, effect, Boolean.TRUE.equals(r.silent()), scenario),
        expiresAt);
  }

  private static FaultMatch checkMatch(FaultMatch m, EffectType type) {
    if (m == null) m = new FaultMatch(null, null, null, null, null, null);
    String method =
        m.method() == null ? null : m.method().trim().toUpperCase(java.util.Locale.ROOT);
    if (method != null && !METHODS.contains(method))
      throw Problem.invalid("match.method", "must be one of " + String.join(", ", METHODS));
    String path = m.path();
    if (path != null) {
      if (path.length() > MAX_PATH)
        throw new Problem(
            Problem.Kind.INVALID,
            "fault.path.too.long",
            "match.path: a path pattern may have at most " + MAX_PATH + " characters",
            Map.of("field", "match.path", "max", MAX_PATH));
      if (!path.startsWith("/")) throw Problem.invalid("match.path", "must start with /");
      if (path.chars().filter(c -> c == '*').count() > MAX_WILDCARDS)
        throw Problem.invalid("match.path", "at most " + MAX_WILDCARDS + " wildcards (*)");
      if (path.equals("/oauth/token") || path.startsWith("/oauth"))
        throw Problem.invalid("match.path", "/oauth/token is never faulted (it has no org yet)");
    }
    text("match.clientId", m.clientId(), 100);
    HeaderMatch header = m.header();
    if (header != null) {
      if (header.name() == null || header.name().isBlank())
        throw Problem.invalid("match.header.name", "is required");
      text("match.header.name", header.name(), MAX_HEADER);
      text("match.header.value", header.value(), MAX_HEADER);
    }
    text("match.externalApiId", m.externalApiId(), 100);
    text("match.host", m.host(), 253);
    if (type.upstream()) {
      if (method != null || path != null || header != null || m.clientId() != null)
        throw Problem.invalid(
            "match", "an upstream effect matches on externalApiId or host, not on method/path");
    } else if (m.externalApiId() != null || m.host() != null) {
      throw Problem.invalid(
          "match", "externalApiId and host select outbound calls: use an upstream* effect");
    }
    return new FaultMatch(method, path, m.clientId(), header, m.externalApiId(), m.host());
  }

  private static FaultEffect checkEffect(FaultEffect e, EffectType type, Instant now) {
    Integer status = e.status();
    Long retryAfter = e.retryAfterSeconds();
    if (retryAfter != null) range("effect.retryAfterSeconds", retryAfter, 0, MAX_RETRY_AFTER);
    text("effect.message", e.message(), 500);
    Long latency = e.latencyMs(), min = e.minLatencyMs(), max = e.maxLatencyMs();
    Long count = e.count(), limit = e.limit(), window = e.windowSeconds();
    Long lag = e.lagMs(), duration = e.durationMs();
    String from = e.from(), until = e.until(), body = e.body(), contentType = e.contentType();
    Boolean previousVersion = null;
    switch (type) {
      case LATENCY, UPSTREAM_LATENCY -> {
        if (latency != null) {
          if (min != null || max != null)
            throw Problem.invalid("effect", "give latencyMs, or minLatencyMs and maxLatencyMs");
          range("effect.latencyMs", latency, 0, MAX_LATENCY_MS);
        } else {
          if (min == null || max == null)
            throw Problem.invalid(
                "effect.latencyMs", "is required (or minLatencyMs and maxLatencyMs)");
          range("effect.minLatencyMs", min, 0, MAX_LATENCY_MS);
          range("effect.maxLatencyMs", max, 0, MAX_LATENCY_MS);
          if (min > max)
            throw Problem.invalid("effect.maxLatencyMs", "must not be below minLatencyMs");
        }
      }
      case STATUS, UPSTREAM_STATUS -> {
        if (status == null) throw Problem.invalid("effect.status", "is required");
        status(status);
      }
      case FAIL_FIRST -> {
        if (count == null) throw Problem.invalid("effect.count", "is required");
        range("effect.count", count, 1, 1_000_000);
        status = status(status == null ? 503 : status);
      }
      case OUTAGE -> {
        if (until == null) throw Problem.invalid("effect.until", "is required");
        Instant end = instant("effect.until", until);
        Instant start = from == null ? now : instant("effect.from", from);
        if (!end.isAfter(start)) throw Problem.invalid("effect.until", "must be after from");
        from = start.toString();
        until = end.toString();
        status = status(status == null ? 503 : status);
      }
      case RESET -> {}
      case STALL, UPSTREAM_HANG -> {
        if (duration == null) duration = type == EffectType.STALL ? 30_000L : MAX_STALL_MS;
        range("effect.durationMs", duration, 1, MAX_STALL_MS);
      }
      case RATE_LIMIT_SQUEEZE -> {
        if (limit == null) throw Problem.invalid("effect.limit", "is required");
        range("effect.limit", limit, 0, 1_000_000);
        window = window == null ? 60L : window;
        range("effect.windowSeconds", window, 1, 3_600);
      }
      case VERSION_MISMATCH -> {}
      case READ_AFTER_WRITE_LAG -> {
        if (lag == null) throw Problem.invalid("effect.lagMs", "is required");
        range("effect.lagMs", lag, 1, MAX_LAG_MS);
        status = status(status == null ? 404 : status);
        previousVersion = Boolean.TRUE.equals(e.previousVersion());
      }
      case UPSTREAM_BODY -> {
        body = body == null ? "html" : body;
        if (!body.equals("html") && !body.equals("text"))
          throw Problem.invalid("effect.body", "must be html or text");
        status = status == null ? 200 : status;
        if (status < 200 || status > 599)
          throw new Problem(
              Problem.Kind.INVALID,
              "fault.status.out.of.range",
              "effect.status: must be between 200 and 599, got " + status,
              Map.of("field", "effect.status"));
        text("effect.contentType", contentType, 200);
      }
      case UPSTREAM_CONTENT_TYPE -> {
        if (contentType == null || contentType.isBlank())
          throw Problem.invalid("effect.contentType", "is required");
        text("effect.contentType", contentType, 200);
      }
      case UPSTREAM_EXPIRED_TOKEN -> count = count == null ? 1L : count;
    }
    if (count != null) range("effect.count", count, 1, 1_000_000);
    return new FaultEffect(
        type.wireName(),
        latency,
        min,
        max,
        status,
        retryAfter,
        e.message(),
        count,
        from,
        until,
        limit,
        window,
        lag,
        duration,
        body,
        contentType,
        previousVersion);
  }

  private static int status(int status) {
    if (status < 400 || status > 599)
      throw new Problem(
          Problem.Kind.INVALID,
          "fault.status.out.of.range",
          "effect.status: must be a 4xx or 5xx status, got " + status,
          Map.of("field", "effect.status"));
    return status;
  }

  private static void range(String field, long v, long min, long max) {
    if (v < min || v > max)
      throw Problem.invalid(field, "must be between " + min + " and " + max + ", got " + v);
  }

  private static void text(String field, String v, int max) {
    if (v != null && v.length() > max)
      throw Problem.invalid(field, "must be at most " + max + " characters");
  }

  private static Instant instant(String field, String v) {
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException ex) {
      throw Problem.invalid(field, "must be an ISO-8601 instant such as 2026-11-30T08:00:00Z");
    }
  }
}
