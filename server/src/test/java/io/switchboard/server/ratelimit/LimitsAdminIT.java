package io.switchboard.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.MutableClock;
import io.switchboard.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The limits admin API: reading, changing (and refusing bad changes), scopes, usage and metrics.
 */
class LimitsAdminIT {
  static final String BASE = "/api/v2/organizations/limits";
  static final String NAMESPACE = BASE + "/namespaces/platform.api";
  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    // A global default from configuration, to see it in the effective limits; a still clock, so
    // that
    // "what is left" does not refill while the test reads it.
    // Per-org metric series are opt-in (they list org ids); this test reads them.
    server =
        TestServer.start(
            Map.of("limits.group.scripts.rate.per.minute", "1000", "ops.metrics.per-org", "true"),
            null,
            new MutableClock());
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void namespacesAndEffectiveLimitsAndDefaults() {
    String token = api.token(server.newOrg());
    var namespaces = api.get(BASE + "/namespaces", token);
    assertThat(namespaces.status()).isEqualTo(200);
    assertThat(namespaces.json().get("entities").get(0).get("name").asString())
        .isEqualTo("platform.api");
    assertThat(namespaces.json().get("total").asInt()).isEqualTo(1);

    JsonNode limits = api.get(NAMESPACE, token).json();
    assertThat(RateLimitIT.limitValue(limits, "client.credentials.token.rate.per.minute"))
        .isEqualTo(300);
    assertThat(RateLimitIT.limitValue(limits, "org.rate.per.minute")).isZero();
    assertThat(RateLimitIT.limitValue(limits, "group.scripts.rate.per.minute")).isEqualTo(1000);
    assertThat(limits.get("entities").size()).isEqualTo(LimitCatalog.ALL.size());
    for (JsonNode l : limits.get("entities"))
      assertThat(l.propertyNames()).containsExactlyInAnyOrder("key", "namespace", "value");

    api.put(NAMESPACE, token, "{\"limits\":[{\"key\":\"org.rate.per.minute\",\"value\":5000}]}");
    assertThat(
            RateLimitIT.limitValue(
                api.get(NAMESPACE + "/defaults", token).json(), "org.rate.per.minute"))
        .isZero();
    assertThat(RateLimitIT.limitValue(api.get(NAMESPACE, token).json(), "org.rate.per.minute"))
        .isEqualTo(5000);

    assertThat(api.get(BASE + "/namespaces/platform.other", token).status()).isEqualTo(404);
    assertThat(api.get(BASE + "/namespaces/platform.other", token).json().get("code").asString())
        .isEqualTo("not.found");
    assertThat(api.put(BASE + "/namespaces/platform.other", token, "{\"limits\":[]}").status())
        .isEqualTo(404);
  }

  @Test
  void fieldsWeDoNotUseAreIgnoredAsGenesysDoes() {
    String token = api.token(server.newOrg());
    var r =
        api.put(
            NAMESPACE,
            token,
            "{\"limits\":[{\"key\":\"org.rate.per.minute\",\"value\":4000,\"x\":2}],"
                + "\"extra\":1}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.body()).doesNotContain("extra");
    JsonNode limits = api.get(NAMESPACE, token).json();
    assertThat(RateLimitIT.limitValue(limits, "org.rate.per.minute")).isEqualTo(4000);
    for (JsonNode l : limits.get("entities"))
      assertThat(l.propertyNames()).containsExactlyInAnyOrder("key", "namespace", "value");
  }

  @Test
  void theETagFollowsTheLimits() {
    String token = api.token(server.newOrg());
    String before = api.get(NAMESPACE, token).header("ETag").orElseThrow();
    assertThat(api.get(NAMESPACE, token).header("ETag")).contains(before);
    api.put(NAMESPACE, token, "{\"limits\":[{\"key\":\"org.rate.per.minute\",\"value\":10000}]}");
    var after = api.get(NAMESPACE, token, "If-None-Match", before);
    assertThat(after.status()).isEqualTo(200);
    assertThat(after.header("ETag").orElseThrow()).isNotEqualTo(before);
  }

  static Stream<Arguments> badChanges() {
    return Stream.of(
        Arguments.of(
            "unknown key",
            "{\"limits\":[{\"key\":\"nope.rate\",\"value\":5}]}",
            400,
            "invalid.value",
            "limits[0].key"),
        Arguments.of(
            "negative",
            "{\"limits\":[{\"key\":\"org.rate.per.minute\",\"value\":-1}]}",
            400,
            "invalid.value",
            "limits[0].value"),
        Arguments.of(
            "too large",
            "{\"limits\":[{\"key\":\"org.rate.per.minute\",\"value\":100000001}]}",
            400,
            "invalid.value",
            "limits[0].value"),
        Arguments.of(
            "fraction",
            "{\"limits\":[{\"key\":\"org.rate.per.minute\",\"value\":20.5}]}",
            400,
            "invalid.value",
            "limits[0].value"),
        Arguments.of(
            "string value",
            "{\"limits\":[{\"key\":\"org.rate.per.minute\",\"value\":\"20\"}]}",
            400,
            "invalid.value",
            "limits[0].value"),
        Arguments.of(
            "number key",
            "{\"limits\":[{\"key\":7,\"value\":20}]}",
            400,
            "invalid.value",
            "limits[0].key"),
        Arguments.of(
            "twice",
            "{\"limits\":[{\"key\":\"org.rate.per.minute\",\"value\":20},{\"key\":\"org.rate.per.minute\",\"value\":30}]}",
            400,
            "invalid.value",
            "limits[1].key"),
        Arguments.of(
            "other namespace in item",
            "{\"limits\":[{\"key\":\"org.rate.per.minute\",\"namespace\":\"x\",\"value\":20}]}",
            400,
            "invalid.value",
            "limits[0].namespace"),
        Arguments.of(
            "missing key", "{\"limits\":[{\"value\":20}]}", 400, "invalid.value", "limits[0].key"),
        Arguments.of("null item", "{\"limits\":[null]}", 400, "invalid.value", "limits[0]"),
        Arguments.of("no limits", "{}", 400, "invalid.value", "limits"),
        Arguments.of("array body", "[1]", 400, "invalid.value", ""),
        Arguments.of("malformed", "{\"limits\":[", 400, "bad.request", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badChanges")
  void badChangesAreRefusedAndChangeNothing(
      String label, String body, int status, String code, String field) {
    String token = api.token(server.newOrg());
    String before = api.get(NAMESPACE, token).body();
    var r = api.put(NAMESPACE, token, body);
    assertThat(r.status()).as(label + ": " + r).isEqualTo(status);
    assertThat(r.json().get("code").asString()).as(label).isEqualTo(code);
    if (field != null)
      assertThat(r.json().get("messageParams").get("field").asString()).as(label).isEqualTo(field);
    assertThat(api.get(NAMESPACE, token).body()).as("nothing written").isEqualTo(before);
  }

  @Test
  void wrongMediaTypeAndHugeBodies() {
    String token = api.token(server.newOrg());
    var text =
        api.raw(
            "PUT",
            NAMESPACE,
            token,
            "{\"limits\":[]}".getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "text/plain");
    assertThat(text.status()).isEqualTo(415);
    var huge =
        api.put(
            NAMESPACE,
            token,
            "{\"limits\":["
                + "{\"key\":\"org.rate.per.minute\",\"value\":1},".repeat(60_000)
                + "]}");
    assertThat(huge.status()).isEqualTo(413);
  }

  @Test
  void scopes() {
    var org = server.newOrg();
    String admin = api.token(org);
    String reader = clientToken(admin, "limits:readonly");
    String limitsOnly = clientToken(admin, "limits");
    String editor = clientToken(admin, "limits:edit");
    assertThat(api.get(NAMESPACE, reader).status()).isEqualTo(200);
    assertThat(api.get(BASE + "/usage", reader).status()).isEqualTo(200);
    var denied =
        api.put(NAMESPACE, reader, "{\"limits\":[{\"key\":\"org.rate.per.minute\",\"value\":5}]}");
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.json().get("code").asString()).isEqualTo("missing.scope");
    assertThat(denied.json().get("messageParams").get("scope").asString()).isEqualTo("limits:edit");
    assertThat(
            api.put(
                    NAMESPACE,
                    limitsOnly,
                    "{\"limits\":[{\"key\":\"org.rate.per.minute\",\"value\":5}]}")
                .status())
        .isEqualTo(403);
    assertThat(
            api.put(
                    NAMESPACE,
                    editor,
                    "{\"limits\":[{\"key\":\"org.rate.per.minute\",\"value\":50000}]}")
                .status())
        .isEqualTo(200);
    assertThat(api.get(NAMESPACE, editor).status()).isEqualTo(403);
  }

  @Test
  void concurrentChangesOfOneOrgAllSucceedAndOneWins() throws Exception {
    String token = api.token(server.newOrg());
    var tasks = new ArrayList<Callable<Api.Response>>();
    for (int i = 1; i <= 12; i++) {
      int v = 1000 + i;
      tasks.add(() ->
          api.put(
              NAMESPACE,
              token,
              "{\"limits\":[{\"key\":\"org.rate.per.minute\",\"value\":"
                  + v
                  + "},{\"key\":\"client.rate.per.minute\",\"value\":"
                  + v
                  + "}]}"));
    }
    try (var pool = Executors.newFixedThreadPool(12)) {
      for (var f : pool.invokeAll(tasks))
        assertThat(f.get().status()).as(f.get().toString()).isEqualTo(200);
    }
    JsonNode limits = api.get(NAMESPACE, token).json();
    // One transaction won both keys: never a mix of two writers.
    assertThat(RateLimitIT.limitValue(limits, "org.rate.per.minute"))
        .isBetween(1001L, 1012L)
        .isEqualTo(RateLimitIT.limitValue(limits, "client.rate.per.minute"));
  }

  @Test
  void usageListsEachBucketWithWhatIsLeftAndRecentRefusals() {
    var org = server.newOrg();
    String admin = api.token(org);
    api.put(
        NAMESPACE,
        admin,
        "{\"limits\":[{\"key\":\"client.credentials.token.rate.per.minute\",\"value\":3},{\"key\":\"org.rate.per.minute\",\"value\":1000},{\"key\":\"group.scripts.rate.per.minute\",\"value\":0}]}");
    String spender = api.token(org);
    for (int i = 0; i < 5; i++) api.get("/api/v2/oauth/clients", spender);
    var usage = api.get(BASE + "/usage", admin);
    assertThat(usage.status()).isEqualTo(200);
    assertThat(usage.json().get("store").asString()).isEqualTo("memory");
    List<JsonNode> rows = new ArrayList<>();
    usage.json().get("entities").forEach(rows::add);
    assertThat(rows)
        .extracting(r -> r.get("bucket").asString())
        .containsExactly("org", "token", "token");
    JsonNode orgRow = rows.get(0);
    assertThat(orgRow.get("key").asString()).isEqualTo("org.rate.per.minute");
    assertThat(orgRow.get("limit").asLong()).isEqualTo(1000);
    // The PUT was under the old limits (no org bucket yet); then 3 spender requests and the usage
    // request.
    assertThat(orgRow.get("remaining").asLong()).isEqualTo(996);
    assertThat(orgRow.get("windowSeconds").asInt()).isEqualTo(60);
    JsonNode spent =
        rows.stream().filter(r -> r.get("remaining").asLong() == 0).findFirst().orElseThrow();
    assertThat(spent.get("refusedLastMinute").asLong()).isEqualTo(2);
    assertThat(spent.get("limit").asLong()).isEqualTo(3);
    assertThat(spent.get("namespace").asString()).isEqualTo("platform.api");

    // Other orgs' buckets are not listed; an org-wide bucket with a limit is, even before its first
    // use.
    String stranger = api.token(server.newOrg());
    var theirs = api.get(BASE + "/usage", stranger).json().get("entities");
    assertThat(theirs.size()).isEqualTo(2);
    assertThat(theirs.get(0).get("bucket").asString()).isEqualTo("group:scripts");
    assertThat(theirs.get(0).get("remaining").asLong()).isEqualTo(1000);
    assertThat(theirs.get(1).get("bucket").asString()).isEqualTo("token");
    assertThat(theirs.get(1).get("remaining").asLong()).isEqualTo(299);

    String metrics = api.get("/metrics", null).body();
    assertThat(metrics)
        .contains(
            "switchboard_ratelimit_requests_total{bucket=\"token\",org=\""
                + org.orgId()
                + "\",outcome=\"refused\"} 2.0");
    assertThat(metrics)
        .contains(
            "switchboard_ratelimit_requests_total{bucket=\"org\",org=\""
                + org.orgId()
                + "\",outcome=\"allowed\"} 4.0");
  }

  static String clientToken(String admin, String scope) {
    var created =
        api.post(
            "/api/v2/oauth/clients",
            admin,
            "{\"name\":\"c-" + scope.replace(':', '-') + "\",\"scope\":[\"" + scope + "\"]}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return api.token(created.json().get("id").asString(), created.json().get("secret").asString());
  }
}
