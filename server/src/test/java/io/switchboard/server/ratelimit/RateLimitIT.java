package io.switchboard.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.MutableClock;
import io.switchboard.server.testing.RawHttp;
import io.switchboard.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Rate limits on one node, over real HTTP. The server's clock is frozen and moved by the tests, so
 * "20 of 25 rapid requests" cannot be spoiled by a token refilled in between, and waiting
 * Retry-After is a move of the clock by exactly that much.
 */
class RateLimitIT {
  static final String CLIENTS = "/api/v2/oauth/clients";
  static final String NAMESPACE = "/api/v2/organizations/limits/namespaces/platform.api";
  static MutableClock clock;
  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    clock = new MutableClock();
    server = TestServer.start(Map.of(), null, clock);
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /**
   * A new org whose admin token sets the limits; returns a second, fresh token that the test
   * spends.
   */
  static Org org(String... limits) {
    var access = server.newOrg();
    String admin = api.token(access);
    if (limits.length > 0) setLimits(admin, limits);
    return new Org(access, admin, api.token(access));
  }

  record Org(TestServer.OrgAccess access, String admin, String token) {}

  static JsonNode setLimits(String token, String... keyValues) {
    var items = new ArrayList<String>();
    for (int i = 0; i < keyValues.length; i += 2)
      items.add("{\"key\":\"" + keyValues[i] + "\",\"value\":" + keyValues[i + 1] + "}");
    var r = api.put(NAMESPACE, token, "{\"limits\":[" + String.join(",", items) + "]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  @Test
  void twentyOfTwentyFiveRapidRequestsPassAndFiveGet429ThatNameTheBucket() {
    Org org = org(LimitCatalog.TOKEN, "20");
    var statuses = new ArrayList<Integer>();
    Api.Response last = null;
    for (int i = 0; i < 25; i++) {
      last = api.get(CLIENTS, org.token());
      statuses.add(last.status());
      if (i < 20) {
        assertThat(last.header("inin-ratelimit-count")).contains(Integer.toString(i + 1));
        assertThat(last.header("RateLimit")).contains("\"token\";r=" + (19 - i) + ";t=3");
      }
    }
    assertThat(statuses.subList(0, 20)).containsOnly(200);
    assertThat(statuses.subList(20, 25)).containsOnly(429);

    assertThat(last.header("Retry-After")).contains("3");
    assertThat(last.header("inin-ratelimit-count")).contains("20");
    assertThat(last.header("inin-ratelimit-allowed")).contains("20");
    assertThat(last.header("inin-ratelimit-reset")).contains("60");
    assertThat(last.header("RateLimit-Policy")).contains("\"token\";q=20;w=60");
    assertThat(last.header("RateLimit")).contains("\"token\";r=0;t=3");
    JsonNode body = last.json();
    assertThat(body.get("status").asInt()).isEqualTo(429);
    assertThat(body.get("code").asString()).isEqualTo("too.many.requests");
    assertThat(body.get("contextId").asString())
        .isEqualTo(last.header("ININ-Correlation-Id").orElseThrow());
    JsonNode params = body.get("messageParams");
    assertThat(params.get("bucket").asString()).isEqualTo("token");
    assertThat(params.get("windowSeconds").asInt()).isEqualTo(60);
    assertThat(params.get("retryAfterSeconds").asInt()).isEqualTo(3);
    assertThat(params.get("limit").get("key").asString())
        .isEqualTo("client.credentials.token.rate.per.minute");
    assertThat(params.get("limit").get("namespace").asString()).isEqualTo("platform.api");
    assertThat(params.get("limit").get("value").asInt()).isEqualTo(20);
    assertThat(body.get("message").asString())
        .contains("token bucket allows 20 requests per 60 seconds");

    // One second short of Retry-After is still too early; exactly Retry-After is enough.
    clock.advance(Duration.ofSeconds(2));
    var early = api.get(CLIENTS, org.token());
    assertThat(early.status()).isEqualTo(429);
    assertThat(early.header("Retry-After")).contains("1");
    clock.advance(Duration.ofSeconds(1));
    assertThat(api.get(CLIENTS, org.token()).status()).isEqualTo(200);
    assertThat(api.get(CLIENTS, org.token()).status()).isEqualTo(429);
  }

  @Test
  void aRefusedRequestConsumesFromNoBucket() {
    Org org = org(LimitCatalog.TOKEN, "10", LimitCatalog.groupKey("oauth"), "3");
    for (int i = 0; i < 3; i++) assertThat(api.get(CLIENTS, org.token()).status()).isEqualTo(200);
    var refused = api.get(CLIENTS, org.token());
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.json().get("messageParams").get("bucket").asString())
        .isEqualTo("group:oauth");
    assertThat(refused.json().get("messageParams").get("limit").get("key").asString())
        .isEqualTo("group.oauth.rate.per.minute");
    assertThat(refused.header("RateLimit-Policy")).contains("\"group:oauth\";q=3;w=60");
    // The refusal is recorded under the route that was asked for, not the filter that refused it.
    api.get("/api/v2/no/such/route", org.token());
    String metrics = api.get("/metrics", null).body();
    assertThat(metrics)
        .contains(
            "http_server_requests_seconds_count{method=\"GET\",route=\"/api/v2/oauth/clients\",status=\"429\"}");
    assertThat(metrics)
        .contains("route=\"unmatched\",status=\"404\"}")
        .doesNotContain("route=\"/api/v2/*\"");
    // Another group: the token bucket is the tightest, and it holds 3 + this one, not the refused
    // request.
    var other = api.get(NAMESPACE, org.token());
    assertThat(other.status()).isEqualTo(200);
    assertThat(other.header("RateLimit-Policy")).contains("\"token\";q=10;w=60");
    assertThat(other.header("inin-ratelimit-count")).contains("4");
  }

  @Test
  void concurrentRequestsNeverOvershootAndRefusalsTakeNothing() throws Exception {
    var access = server.newOrg();
    String admin = api.token(access);
    setLimits(admin, LimitCatalog.TOKEN, "20", LimitCatalog.ORG, "50");
    List<String> tokens =
        List.of(api.token(access), api.token(access), api.token(access), api.token(access));
    var tasks = new ArrayList<Callable<Integer>>();
    for (String t : tokens)
      for (int i = 0; i < 25; i++) tasks.add(() -> api.get(CLIENTS, t).status());
    int ok = 0;
    try (var pool = Executors.newFixedThreadPool(16)) {
      for (var f : pool.invokeAll(tasks)) {
        int status = f.get();
        assertThat(status).isIn(200, 429);
        if (status == 200) ok++;
      }
    }
    assertThat(ok).isEqualTo(50);
    // 1.2 s gives the org bucket (50/min) one token back and each token bucket (20/min) less than
    // one, so
    // the usage request can pass while the token buckets still read what was spent.
    clock.advance(Duration.ofMillis(1200));
    var usage = api.get("/api/v2/organizations/limits/usage", admin);
    assertThat(usage.status()).as(usage.toString()).isEqualTo(200);
    long spentByTokens = 0;
    int tokenRows = 0;
    for (JsonNode row : usage.json().get("entities")) {
      if (row.get("bucket").asString().equals("token")) {
        tokenRows++;
        spentByTokens += row.get("limit").asLong() - row.get("remaining").asLong();
      }
      if (row.get("bucket").asString().equals("org"))
        assertThat(row.get("remaining").asLong()).isZero();
    }
    // Four tokens spent exactly the 50 that passed (their 50 refusals took nothing); the admin
    // token spent 2.
    assertThat(tokenRows).isEqualTo(5);
    assertThat(spentByTokens).isEqualTo(52);
  }

  @Test
  void notModifiedAnswersCostNothingButStillNeedAToken() {
    Org org = org(LimitCatalog.TOKEN, "5");
    var first = api.get(NAMESPACE, org.token());
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.header("inin-ratelimit-count")).contains("1");
    String etag = first.header("ETag").orElseThrow();
    for (int i = 0; i < 10; i++) {
      var cached = api.get(NAMESPACE, org.token(), "If-None-Match", etag);
      assertThat(cached.status()).isEqualTo(304);
      assertThat(cached.body()).isEmpty();
      assertThat(cached.header("ETag")).contains(etag);
      assertThat(cached.header("inin-ratelimit-count")).contains("1");
      assertThat(cached.header("RateLimit")).contains("\"token\";r=4;t=12");
    }
    // A conditional GET that does not match is an ordinary read and pays.
    var changed =
        api.get(NAMESPACE, org.token(), "If-None-Match", "\"something-else\", W/\"another\"");
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.header("inin-ratelimit-count")).contains("2");
    var plain = api.get(NAMESPACE, org.token());
    assertThat(plain.header("inin-ratelimit-count")).contains("3");
    assertThat(api.get(NAMESPACE, org.token(), "If-None-Match", "W/" + etag).status())
        .isEqualTo(304);

    // Spend the rest: a plain read is refused, the free read still answers 304, a changed one is
    // refused.
    api.get(NAMESPACE, org.token());
    api.get(NAMESPACE, org.token());
    assertThat(api.get(NAMESPACE, org.token()).status()).isEqualTo(429);
    var stillFree = api.get(NAMESPACE, org.token(), "If-None-Match", etag);
    assertThat(stillFree.status()).isEqualTo(304);
    assertThat(stillFree.header("RateLimit")).contains("\"token\";r=0;t=12");
    var refused = api.get(NAMESPACE, org.token(), "If-None-Match", "\"stale\"");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("ETag")).isEmpty();
    assertThat(refused.json().get("code").asString()).isEqualTo("too.many.requests");
    assertThat(refused.header("Retry-After")).contains("12");

    // Free is not anonymous.
    assertThat(api.get(NAMESPACE, null, "If-None-Match", etag).status()).isEqualTo(401);
    assertThat(api.get(NAMESPACE, "not-a-token", "If-None-Match", etag).status()).isEqualTo(401);
  }

  @Test
  void aConditionalGetOnAnEndpointWithoutETagsIsChargedAfterTheHandler() {
    Org org = org(LimitCatalog.TOKEN, "2");
    assertThat(
            api.get(CLIENTS, org.token(), "If-None-Match", "\"x\"").header("inin-ratelimit-count"))
        .contains("1");
    assertThat(api.get(CLIENTS, org.token(), "If-None-Match", "\"x\"").status()).isEqualTo(200);
    var refused = api.get(CLIENTS, org.token(), "If-None-Match", "\"x\"");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.json().get("messageParams").get("bucket").asString()).isEqualTo("token");
    assertThat(refused.header("Retry-After")).contains("30");
    assertThat(refused.header("inin-ratelimit-count")).contains("2");
  }

  @Test
  void aChangeAppliesToThatOrgAlone() {
    Org limited = org(LimitCatalog.TOKEN, "5");
    Org other = org();
    for (int i = 0; i < 5; i++)
      assertThat(api.get(CLIENTS, limited.token()).status()).isEqualTo(200);
    assertThat(api.get(CLIENTS, limited.token()).status()).isEqualTo(429);
    for (int i = 0; i < 10; i++) {
      var r = api.get(CLIENTS, other.token());
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("inin-ratelimit-allowed")).contains("300");
    }
    JsonNode otherLimits = api.get(NAMESPACE, other.admin()).json();
    assertThat(limitValue(otherLimits, LimitCatalog.TOKEN)).isEqualTo(300);
    assertThat(limitValue(api.get(NAMESPACE, limited.admin()).json(), LimitCatalog.TOKEN))
        .isEqualTo(5);
  }

  @Test
  void aChangeTakesEffectAtOnceAndKeepsWhatWasSpent() {
    Org org = org();
    for (int i = 0; i < 15; i++) assertThat(api.get(CLIENTS, org.token()).status()).isEqualTo(200);
    setLimits(org.admin(), LimitCatalog.TOKEN, "20");
    // 15 of the window were spent: 5 are left under the new limit, not a fresh 20.
    var next = api.get(CLIENTS, org.token());
    assertThat(next.header("inin-ratelimit-allowed")).contains("20");
    assertThat(next.header("inin-ratelimit-count")).contains("16");
    for (int i = 0; i < 4; i++) assertThat(api.get(CLIENTS, org.token()).status()).isEqualTo(200);
    assertThat(api.get(CLIENTS, org.token()).status()).isEqualTo(429);
    // Raised again: the 20 spent stay spent, the other 80 are there at once.
    setLimits(org.admin(), LimitCatalog.TOKEN, "100");
    var raised = api.get(CLIENTS, org.token());
    assertThat(raised.status()).isEqualTo(200);
    assertThat(raised.header("inin-ratelimit-count")).contains("21");
    assertThat(raised.header("inin-ratelimit-allowed")).contains("100");
    // Back to the default (null), and off (0): no bucket, no headers, no limit.
    JsonNode reset = setLimits(org.admin(), LimitCatalog.TOKEN, "null");
    assertThat(limitValue(reset, LimitCatalog.TOKEN)).isEqualTo(300);
    setLimits(org.admin(), LimitCatalog.TOKEN, "0");
    var unlimited = api.get(CLIENTS, org.token());
    assertThat(unlimited.status()).isEqualTo(200);
    assertThat(unlimited.header("inin-ratelimit-count")).isEmpty();
    assertThat(unlimited.header("RateLimit")).isEmpty();
  }

  @Test
  void headerNamesHaveExactCaseOnTheSocketOnSuccessErrorsAndRefusals() {
    Org org = org(LimitCatalog.TOKEN, "3");
    String auth = "Authorization: Bearer " + org.token();
    var ok = RawHttp.exchange(server.port(), "GET", CLIENTS, List.of(auth), null);
    assertThat(ok.statusLine()).contains("200");
    assertExactRateLimitHeaders(ok, "1");
    var notFound = RawHttp.exchange(server.port(), "GET", CLIENTS + "/nope", List.of(auth), null);
    assertThat(notFound.statusLine()).contains("404");
    assertExactRateLimitHeaders(notFound, "2");
    var badBody =
        RawHttp.exchange(
            server.port(), "POST", CLIENTS, List.of(auth, "Content-Type: application/json"), "{");
    assertThat(badBody.statusLine()).contains("400");
    assertExactRateLimitHeaders(badBody, "3");
    var refused = RawHttp.exchange(server.port(), "GET", CLIENTS, List.of(auth), null);
    assertThat(refused.statusLine()).contains("429");
    assertExactRateLimitHeaders(refused, "3");
    assertThat(refused.exactHeader("Retry-After")).isEqualTo("20");
    assertThat(refused.exactHeader("RateLimit")).isEqualTo("\"token\";r=0;t=20");
  }

  @Test
  void aMissingScopeIsCountedAndCarriesTheHeaders() {
    Org org = org();
    var created = api.post(CLIENTS, org.admin(), "{\"name\":\"reader\",\"scope\":[\"scripts\"]}");
    assertThat(created.status()).isEqualTo(201);
    String token =
        api.token(created.json().get("id").asString(), created.json().get("secret").asString());
    var raw =
        RawHttp.exchange(
            server.port(), "GET", NAMESPACE, List.of("Authorization: Bearer " + token), null);
    assertThat(raw.statusLine()).contains("403");
    assertExactRateLimitHeaders(raw, "1");
  }

  static void assertExactRateLimitHeaders(RawHttp.RawResponse r, String count) {
    assertThat(r.exactHeader("inin-ratelimit-count"))
        .as(r.headerLines().toString())
        .isEqualTo(count);
    assertThat(r.exactHeader("inin-ratelimit-allowed")).isNotBlank();
    assertThat(r.exactHeader("inin-ratelimit-reset")).matches("\\d+");
    assertThat(r.exactHeader("RateLimit-Policy")).matches("\"[a-z:]+\";q=\\d+;w=60");
    assertThat(r.exactHeader("RateLimit")).matches("\"[a-z:]+\";r=\\d+(;t=\\d+)?");
  }

  static long limitValue(JsonNode listing, String key) {
    for (JsonNode l : listing.get("entities")) {
      if (l.get("key").asString().equals(key)) {
        assertThat(l.get("namespace").asString()).isEqualTo("platform.api");
        return l.get("value").asLong();
      }
    }
    throw new AssertionError("no limit " + key + " in " + listing);
  }
}
