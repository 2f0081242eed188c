package io.switchboard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Concurrently;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.MutableClock;
import io.switchboard.server.testing.RawHttp;
import io.switchboard.server.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The published-script, draft-script and session GETs answered ahead of Javalin ({@link HotReads}):
 * each answer is the full path's, header for header and byte for byte; everything that is not a
 * plain 200 goes the full way and is answered there exactly once (charged once, refused once); and
 * an org with a fault rule is never answered here. {@code http_server_hot_reads_total} tells which
 * way a request went.
 */
class HotReadsIT {
  /**
   * Never moved: no token comes back into a bucket during a test (300 a minute is one every 200
   * ms), so the rate-limit counts of successive answers compare exactly.
   */
  private static final MutableClock clock = new MutableClock();

  private static TestServer server;
  private static Api api;
  private static String token;
  private static String otherToken;
  private static Fixtures fx;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of(), null, clock);
    api = server.api();
    token = api.token(server.newOrg());
    otherToken = api.token(server.newOrg());
    fx = new Fixtures(api, token);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static final String ROUTE = "/api/v2/scripts/published/{id}";
  private static final String DRAFT = "/api/v2/scripts/{id}";
  private static final String SESSION = "/api/v2/agent-scripting/sessions/{id}";

  /** What the hot path answered for the published-script route so far. */
  private static long hotReads() {
    return hotReads(ROUTE);
  }

  private static long hotReads(String route) {
    Matcher m =
        Pattern.compile(
                "http_server_hot_reads_total\\{route=\"" + Pattern.quote(route) + "\"} ([0-9.]+)")
            .matcher(api.get("/metrics", null).body());
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  private static long rateCount(Api.Response r) {
    return Long.parseLong(r.header("inin-ratelimit-count").orElseThrow());
  }

  private static RawHttp.RawResponse raw(String path, String bearer, String... more) {
    var headers = new ArrayList<>(List.of("Authorization: Bearer " + bearer));
    headers.addAll(List.of(more));
    return RawHttp.exchange(server.port(), "GET", path, headers, null);
  }

  private static List<String> names(RawHttp.RawResponse r) {
    return r.headerLines().stream()
        .map(l -> l.substring(0, l.indexOf(':')))
        .filter(n -> !n.equals("Date"))
        .toList();
  }

  @Test
  void aPlainReadIsAnsweredHereWithTheFullPathsAnswerHeaderForHeader() {
    String id = fx.publishedScript(Fixtures.GREETING_SCRIPT);
    String path = "/api/v2/scripts/published/" + id;
    String version = api.get(path, token).json().get("versionId").asString();

    long before = hotReads();
    RawHttp.RawResponse hot = raw(path, token, "ININ-Correlation-Id: mine-1");
    assertThat(hotReads()).isEqualTo(before + 1);
    // A query string (naming the same, latest, version) sends the same read the full way.
    RawHttp.RawResponse full = raw(path + "?scriptDataVersion=" + version, token);
    assertThat(hotReads()).isEqualTo(before + 1);

    assertThat(hot.statusLine()).isEqualTo("HTTP/1.1 200 OK");
    assertThat(full.statusLine()).isEqualTo(hot.statusLine());
    assertThat(hot.body()).isEqualTo(full.body()).startsWith("{\"id\":\"" + id + "\"");
    assertThat(names(hot)).isEqualTo(names(full));
    assertThat(names(hot))
        .containsExactly(
            "Content-Type",
            "ININ-Correlation-Id",
            "inin-ratelimit-count",
            "inin-ratelimit-allowed",
            "inin-ratelimit-reset",
            "RateLimit-Policy",
            "RateLimit",
            "ETag",
            "Content-Length",
            "Connection");
    for (String same :
        List.of(
            "Content-Type", "ETag", "Content-Length", "inin-ratelimit-allowed", "RateLimit-Policy"))
      assertThat(hot.exactHeader(same)).as(same).isEqualTo(full.exactHeader(same));
    assertThat(hot.exactHeader("ETag")).isEqualTo("\"" + version + "\"");
    assertThat(hot.exactHeader("ININ-Correlation-Id")).isEqualTo("mine-1");
    // One token each: the hot read took one, the full read the next.
    assertThat(Long.parseLong(full.exactHeader("inin-ratelimit-count")))
        .isEqualTo(Long.parseLong(hot.exactHeader("inin-ratelimit-count")) + 1);

    // An id Javalin would not take as sane is replaced, as the full path replaces it.
    RawHttp.RawResponse insane = raw(path, token, "ININ-Correlation-Id: a b");
    assertThat(insane.exactHeader("ININ-Correlation-Id")).matches("[0-9a-f-]{36}");
    // Counted under the route as every answer is.
    assertThat(api.get("/metrics", null).body())
        .containsPattern(
            "http_server_requests_seconds_count\\{method=\"GET\",route=\""
                + Pattern.quote(ROUTE)
                + "\",status=\"200\"} [1-9]");
  }

  /**
   * The draft's and the session's GETs (a small query for the current version, then JSON kept per
   * version) the same way, and a change is read at once on both paths.
   */
  @Test
  void theDraftAndTheSessionAreAnsweredHereAsTheFullPathAnswersThemAndChangesShowAtOnce() {
    String script = fx.publishedScript(Fixtures.GREETING_SCRIPT);
    String sessionId =
        fx.session(script, fx.call(null).get("id").asString(), "{\"customerName\":\"Ada\"}")
            .get("id")
            .asString();
    var paths =
        List.of(
            List.of(DRAFT, "/api/v2/scripts/" + script),
            List.of(SESSION, "/api/v2/agent-scripting/sessions/" + sessionId));
    for (List<String> routeAndPath : paths) {
      String route = routeAndPath.get(0);
      String path = routeAndPath.get(1);
      long before = hotReads(route);
      RawHttp.RawResponse hot = raw(path, token);
      assertThat(hotReads(route)).as(route).isEqualTo(before + 1);
      // Any query string (these routes take none) sends the read the full way.
      RawHttp.RawResponse full = raw(path + "?full=1", token);
      assertThat(hotReads(route)).as(route).isEqualTo(before + 1);
      assertThat(hot.statusLine()).as(route).isEqualTo("HTTP/1.1 200 OK");
      assertThat(hot.body()).as(route).isEqualTo(full.body());
      assertThat(names(hot)).as(route).isEqualTo(names(full));
      for (String same : List.of("Content-Type", "ETag", "Content-Length", "RateLimit-Policy"))
        assertThat(hot.exactHeader(same)).as(route + " " + same).isEqualTo(full.exactHeader(same));
      // Another org's id is the full path's 404.
      var other = api.get(path, otherToken);
      assertThat(other.status()).as(route).isEqualTo(404);
      assertThat(other.body()).doesNotContain("Ada").doesNotContain("Greeting");
      assertThat(hotReads(route)).as(route).isEqualTo(before + 1);
    }

    String sessionPath = "/api/v2/agent-scripting/sessions/" + sessionId;
    String v1 = api.get(sessionPath, token).header("ETag").orElseThrow();
    var patched = api.patch(sessionPath, token, "{\"data\":{\"customerName\":\"Grace\"}}");
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    var after = api.get(sessionPath, token);
    assertThat(after.header("ETag"))
        .isNotEqualTo(Optional.of(v1))
        .isEqualTo(patched.header("ETag"));
    assertThat(after.json().get("data").get("customerName").asString()).isEqualTo("Grace");

    String draftPath = "/api/v2/scripts/" + script;
    var draft = api.get(draftPath, token).json();
    var renamed =
        api.put(
            draftPath,
            token,
            Fixtures.GREETING_SCRIPT.replace("\"Greeting\"", "\"Greeting, renamed\""),
            "If-Match",
            "\"" + draft.get("version").asLong() + "\"");
    assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
    var draftAfter = api.get(draftPath, token);
    assertThat(draftAfter.json().get("name").asString()).isEqualTo("Greeting, renamed");
    assertThat(draftAfter.json().get("version").asLong())
        .isGreaterThan(draft.get("version").asLong());
  }

  @Test
  void whatIsNotAPlain200GoesTheFullWayAndIsChargedOnce() {
    // An org of its own: its token bucket is the tightest throughout.
    String t = api.token(server.newOrg());
    String id = new Fixtures(api, t).publishedScript(Fixtures.GREETING_SCRIPT);
    String path = "/api/v2/scripts/published/" + id;
    String etag = api.get(path, t).header("ETag").orElseThrow();
    long hot = hotReads();

    assertThat(api.get(path, null).status()).isEqualTo(401);
    var badToken = api.get(path, t + "x");
    assertThat(badToken.status()).isEqualTo(401);
    assertThat(badToken.json().get("code").asString()).isEqualTo("bad.credentials");

    var limited =
        api.post("/api/v2/oauth/clients", t, "{\"name\":\"no scripts\",\"scope\":[\"oauth\"]}");
    String noScripts =
        api.token(limited.json().get("id").asString(), limited.json().get("secret").asString());
    var forbidden = api.get(path, noScripts);
    assertThat(forbidden.status()).isEqualTo(403);
    assertThat(forbidden.json().get("code").asString()).isEqualTo("missing.scope");

    var mismatch = api.get(path, t, HttpServer.ORG_HEADER, "another-org");
    assertThat(mismatch.status()).isEqualTo(403);
    assertThat(mismatch.json().get("code").asString()).isEqualTo("org.mismatch");

    // Another org's script, and an unknown one: 404, each charged exactly once.
    long count = rateCount(api.get(path, t));
    hot++;
    var othersId = api.get(path, otherToken);
    assertThat(othersId.status()).isEqualTo(404);
    var unknown = api.get(path + "0", t);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("code").asString()).isEqualTo("not.found");
    assertThat(rateCount(unknown)).isEqualTo(count + 1);

    var notModified = api.get(path, t, "If-None-Match", etag);
    assertThat(notModified.status()).isEqualTo(304);
    assertThat(rateCount(notModified)).isEqualTo(count + 1);

    var head = api.raw("HEAD", path, t, null);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("ETag")).contains(etag);
    assertThat(head.body()).isEmpty();
    assertThat(rateCount(head)).isEqualTo(count + 2);

    // An escaped id is not looked at here.
    var escaped = api.get("/api/v2/scripts/published/%41", t);
    assertThat(escaped.status()).isEqualTo(404);
    assertThat(rateCount(escaped)).isEqualTo(count + 3);

    assertThat(hotReads()).isEqualTo(hot);
    assertThat(rateCount(api.get(path, t))).isEqualTo(count + 4);
    assertThat(hotReads()).isEqualTo(hot + 1);
  }

  @Test
  void aRefusedReadIsRefusedOnceAndConcurrentReadsTakeExactlyTheQuota() {
    var org = server.newOrg();
    String t = api.token(org);
    String id = new Fixtures(api, t).publishedScript(Fixtures.GREETING_SCRIPT);
    var limits =
        api.put(
            "/api/v2/organizations/limits/namespaces/platform.api",
            t,
            "{\"limits\":[{\"key\":\"group.scripts.rate.per.minute\",\"value\":20}]}");
    assertThat(limits.status()).as(limits.body()).isEqualTo(200);
    long hot = hotReads();
    List<Api.Response> answers =
        Concurrently.run(48, i -> api.get("/api/v2/scripts/published/" + id, t));
    // A refusal met on the hot path is handed on and answered once: were a read charged on both
    // paths, or a refusal taken, fewer than 20 reads would pass.
    assertThat(answers.stream().filter(r -> r.status() == 200)).hasSize(20);
    assertThat(answers.stream().filter(r -> r.status() == 429)).hasSize(28);
    for (Api.Response refused : answers.stream().filter(r -> r.status() == 429).toList()) {
      assertThat(refused.json().get("code").asString()).isEqualTo("too.many.requests");
      assertThat(refused.header("Date")).isPresent();
      assertThat(refused.header("Retry-After")).isPresent();
      assertThat(refused.header("ETag")).isEmpty();
      assertThat(refused.header("Content-Type")).contains("application/json");
      assertThat(refused.body()).doesNotContain("Greeting");
    }
    assertThat(hotReads()).isEqualTo(hot + 20);
    // Each refusal counted once, though the hot path met it first: the decision was handed on.
    var usage = api.get("/api/v2/organizations/limits/usage", t).json().get("entities");
    long refusedScripts = 0;
    for (var row : usage)
      if (row.get("bucket").asString().equals("group:scripts"))
        refusedScripts += row.get("refusedLastMinute").asLong();
    assertThat(refusedScripts).isEqualTo(28);
  }

  /**
   * The draft's and the session's 404s are found on the hot path after the charge, and answered by
   * the full path from that failure: charged once, the query not run again.
   */
  @Test
  void aHotReadsFailureAfterItsChargeIsAnsweredOnceByTheFullPath() {
    String t = api.token(server.newOrg());
    var f = new Fixtures(api, t);
    String script = f.publishedScript(Fixtures.GREETING_SCRIPT);
    long count = rateCount(api.get("/api/v2/scripts/" + script, t));
    for (String missing :
        List.of(
            "/api/v2/scripts/" + script + "0",
            "/api/v2/agent-scripting/sessions/" + script,
            "/api/v2/scripts/published/" + script + "0")) {
      var r = api.get(missing, t);
      assertThat(r.status()).as(missing).isEqualTo(404);
      assertThat(r.json().get("code").asString()).isEqualTo("not.found");
      assertThat(r.json().get("contextId").asString())
          .isEqualTo(r.header("ININ-Correlation-Id").orElseThrow());
      assertThat(r.header("Date")).isPresent();
      assertThat(rateCount(r)).as(missing).isEqualTo(++count);
    }
  }

  /**
   * Paths and headers that are unusual in some way are answered exactly as the full path answers
   * them (the same request with a query string, which never takes the hot path).
   */
  @Test
  void oddPathsAndHeadersAreAnsweredAsTheFullPathAnswersThem() {
    String id = fx.publishedScript(Fixtures.GREETING_SCRIPT);
    String path = "/api/v2/scripts/published/" + id;
    for (String odd :
        List.of(
            path + "/",
            path + ";v=1",
            "/api/v2/scripts//published/" + id,
            "/api/v2/scripts/./published/" + id,
            "/api/v2/scripts/published/" + id.toUpperCase(java.util.Locale.ROOT),
            "/API/v2/scripts/published/" + id)) {
      RawHttp.RawResponse asIs = raw(odd, token);
      RawHttp.RawResponse full = raw(odd + "?full=1", token);
      assertThat(asIs.statusLine()).as(odd).isEqualTo(full.statusLine());
      if (asIs.statusLine().contains(" 200 ")) assertThat(asIs.body()).isEqualTo(full.body());
    }
    // Two Authorization headers: the first is the one read, on both paths.
    for (List<String> two :
        List.of(
            List.of("Authorization: Bearer " + otherToken),
            List.of("Authorization: Bearer nonsense"))) {
      RawHttp.RawResponse asIs = raw(path, token, two.get(0));
      RawHttp.RawResponse full = raw(path + "?full=1", token, two.get(0));
      assertThat(asIs.statusLine()).as(two.get(0)).isEqualTo(full.statusLine());
      assertThat(asIs.statusLine()).as(two.get(0)).isEqualTo("HTTP/1.1 200 OK");
    }
    // The org header in any case is read, and refused when it is not the token's.
    var mismatch = api.get(path, token, "x-genesys-organization-id", "another-org");
    assertThat(mismatch.status()).isEqualTo(403);
    assertThat(mismatch.json().get("code").asString()).isEqualTo("org.mismatch");
  }

  @Test
  void anOrgWithAFaultRuleIsAnsweredTheFullWayUntilTheRuleGoes() {
    var org = server.newOrg();
    String t = api.token(org);
    String id = new Fixtures(api, t).publishedScript(Fixtures.GREETING_SCRIPT);
    String path = "/api/v2/scripts/published/" + id;
    var rule =
        api.post(
            "/api/v2/switchboard/faults",
            t,
            "{\"name\":\"down\",\"match\":{\"method\":\"GET\",\"path\":\"/api/v2/scripts/*\"},"
                + "\"effect\":{\"type\":\"status\",\"status\":503,\"retryAfterSeconds\":2}}");
    assertThat(rule.status()).as(rule.body()).isEqualTo(201);
    long hot = hotReads();
    var faulted = api.get(path, t);
    assertThat(faulted.status()).isEqualTo(503);
    assertThat(faulted.header("Switchboard-Fault")).contains(rule.json().get("id").asString());
    // Another org's reads are not touched by the rule, and stay hot.
    String other = fx.publishedScript(Fixtures.GREETING_SCRIPT);
    assertThat(api.get("/api/v2/scripts/published/" + other, token).status()).isEqualTo(200);
    assertThat(hotReads()).isEqualTo(hot + 1);

    assertThat(api.delete("/api/v2/switchboard/faults", t).status()).isEqualTo(204);
    assertThat(api.get(path, t).status()).isEqualTo(200);
    assertThat(hotReads()).isEqualTo(hot + 2);
  }
}
