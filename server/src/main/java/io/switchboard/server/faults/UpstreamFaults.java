package io.switchboard.server.faults;

import io.switchboard.server.externalapis.ExternalApiEngine;
import io.switchboard.server.externalapis.OutboundExchange;
import io.switchboard.server.externalapis.OutboundHttp;
import io.switchboard.server.faults.FaultRuleRequest.FaultEffect;
import io.switchboard.server.faults.FaultRuleRequest.FaultMatch;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fault injection on outbound data-action calls: a decorator of the engine's one {@link
 * OutboundExchange}. Rules match the calling API's org (always), and its id or the target host. A
 * synthetic answer carries {@code Switchboard-Fault} unless the rule is silent, so the execution
 * report shows which rule answered.
 */
public final class UpstreamFaults {
  private final ActiveFaults active;

  UpstreamFaults(ActiveFaults active) {
    this.active = active;
  }

  public OutboundExchange wrap(OutboundExchange next) {
    return (api, request, deadline) -> send(next, api, request, deadline);
  }

  private OutboundHttp.Response send(
      OutboundExchange next, ExternalApiEngine.Call api, HttpRequest request, long deadline)
      throws IOException, TimeoutException {
    List<RuleState> rules = active.of(api.orgId()).upstream();
    String contentTypeOverride = null;
    RuleState contentTypeRule = null;
    for (RuleState state : rules) {
      FaultRule rule = state.rule();
      if (!rule.activeAt(active.now()) || !matches(rule.definition().match(), api, request))
        continue;
      long draw = state.roll();
      if (draw < 0) continue;
      FaultEffect e = rule.definition().effect();
      switch (rule.type()) {
        case UPSTREAM_LATENCY -> {
          state.injected();
          long ms =
              e.latencyMs() != null
                  ? e.latencyMs()
                  : e.minLatencyMs()
                      + (long)
                          Math.floor(
                              state.uniform(draw, 1) * (e.maxLatencyMs() - e.minLatencyMs() + 1));
          waitUntil(Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms)));
          if (deadline - System.nanoTime() <= 0)
            throw new TimeoutException("no answer before the deadline");
        }
        case UPSTREAM_HANG -> {
          state.injected();
          waitUntil(
              Math.min(
                  deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(e.durationMs())));
          throw new TimeoutException("no answer before the deadline");
        }
        case UPSTREAM_STATUS -> {
          state.injected();
          return answer(
              state,
              e.status(),
              "application/json",
              "{\"message\":\"Injected upstream failure"
                  + (rule.definition().silent() ? "" : " (fault rule " + rule.id() + ")")
                  + "\",\"status\":"
                  + e.status()
                  + "}",
              e.retryAfterSeconds());
        }
        case UPSTREAM_BODY -> {
          state.injected();
          boolean html = e.body().equals("html");
          String type =
              e.contentType() != null
                  ? e.contentType()
                  : html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8";
          String body =
              html
                  ? "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad"
                      + " Gateway</h1><p>The upstream server is unavailable.</p></body></html>"
                  : "Service temporarily unavailable. Please try again later.";
          return answer(state, e.status(), type, body, e.retryAfterSeconds());
        }
        case UPSTREAM_EXPIRED_TOKEN -> {
          if (state.exhausted) continue;
          if (!active.store().claim(rule.id(), e.count())) {
            state.exhausted = true;
            continue;
          }
          state.injected();
          var answer =
              answer(
                  state,
                  401,
                  "application/json",
                  "{\"error\":\"invalid_token\",\"error_description\":\"The access token"
                      + " expired\"}",
                  null);
          return withHeader(
              answer,
              "WWW-Authenticate",
              "Bearer error=\"invalid_token\", error_description=\"The access token expired\"");
        }
        case UPSTREAM_CONTENT_TYPE -> {
          state.injected();
          contentTypeOverride = e.contentType();
          contentTypeRule = state;
        }
        default -> {}
      }
    }
    OutboundHttp.Response real = next.send(api, request, deadline);
    if (contentTypeOverride == null) return real;
    var headers = new LinkedHashMap<String, List<String>>(real.headers().map());
    headers.keySet().removeIf(k -> k.equalsIgnoreCase("Content-Type"));
    headers.put("Content-Type", List.of(contentTypeOverride));
    mark(headers, contentTypeRule);
    return new OutboundHttp.Response(
        real.status(), HttpHeaders.of(headers, (a, b) -> true), real.body());
  }

  static boolean matches(FaultMatch m, ExternalApiEngine.Call api, HttpRequest request) {
    if (m.externalApiId() != null && !m.externalApiId().equals(api.circuitId())) return false;
    if (m.host() != null) {
      String host = request.uri().getHost();
      if (host == null
          || !Glob.matches(
              m.host().toLowerCase(java.util.Locale.ROOT), host.toLowerCase(java.util.Locale.ROOT)))
        return false;
    }
    return true;
  }

  private static OutboundHttp.Response answer(
      RuleState state, int status, String contentType, String body, Long retryAfter) {
    var headers = new LinkedHashMap<String, List<String>>();
    headers.put("Content-Type", List.of(contentType));
    if (retryAfter != null) headers.put("Retry-After", List.of(Long.toString(retryAfter)));
    mark(headers, state);
    return new OutboundHttp.Response(
        status, HttpHeaders.of(headers, (a, b) -> true), body.getBytes(StandardCharsets.UTF_8));
  }

  private static OutboundHttp.Response withHeader(
      OutboundHttp.Response r, String name, String value) {
    var headers = new LinkedHashMap<String, List<String>>(r.headers().map());
    headers.put(name, List.of(value));
    return new OutboundHttp.Response(r.status(), HttpHeaders.of(headers, (a, b) -> true), r.body());
  }

  private static void mark(Map<String, List<String>> headers, RuleState state) {
    if (!state.rule().definition().silent())
      headers.put(FaultGate.HEADER, new ArrayList<>(List.of(state.rule().id())));
  }

  private static void waitUntil(long nanos) throws IOException {
    long left = nanos - System.nanoTime();
    if (left <= 0) return;
    try {
      TimeUnit.NANOSECONDS.sleep(left);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
