package io.switchboard.server.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TwoOrgServer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The published-script read served from memory (issue 14) answers exactly what the serialised view
 * answered: the same bytes as the script's entity in the listing (which is still serialised per
 * request), the same headers, 304s that cost no quota, and 404s for another org's id and once the
 * script is deleted.
 */
class PublishedScriptReadsIT extends TwoOrgServer {
  private static final String RATE_COUNT = "inin-ratelimit-count";

  @Test
  void theAnswerIsTheSerialisedViewByteForByteWithItsHeaders() {
    String id = fx.publishedScript(Fixtures.GREETING_SCRIPT);
    String listing = api.get("/api/v2/scripts/published?name=Greeting&pageSize=100", token).body();
    for (int i = 0; i < 3; i++) {
      var r = api.get("/api/v2/scripts/published/" + id, token);
      assertThat(r.status()).isEqualTo(200);
      String versionId = r.json().get("versionId").asString();
      // The listing writes each entity with the same mapper: the single read is one of them.
      assertThat(listing).contains(r.body());
      assertThat(r.body()).startsWith("{\"id\":\"" + id + "\"");
      assertThat(r.header("Content-Type")).contains("application/json");
      assertThat(r.header("Content-Length"))
          .contains(Integer.toString(r.body().getBytes(StandardCharsets.UTF_8).length));
      assertThat(r.header("ETag")).contains("\"" + versionId + "\"");
      assertThat(r.header("ININ-Correlation-Id")).isPresent();
      assertThat(r.header("inin-ratelimit-allowed")).contains("300");
      assertThat(r.header("RateLimit-Policy")).contains("\"token\";q=300;w=60");
      assertThat(r.header("RateLimit"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("\"token\";r="));
      assertThat(r.header("inin-ratelimit-reset")).isPresent();
    }
  }

  @Test
  void eachFullReadIsChargedAndA304IsFree() {
    String t = api.token(server.newOrg());
    String id = new Fixtures(api, t).publishedScript(Fixtures.GREETING_SCRIPT);
    // Two reads a minute for the org's scripts: a token comes back only every 30 s.
    var limits =
        api.put(
            "/api/v2/organizations/limits/namespaces/platform.api",
            t,
            "{\"limits\":[{\"key\":\"group.scripts.rate.per.minute\",\"value\":2}]}");
    assertThat(limits.status()).as(limits.body()).isEqualTo(200);
    var first = api.get("/api/v2/scripts/published/" + id, t);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.header("RateLimit-Policy")).contains("\"group:scripts\";q=2;w=60");
    assertThat(first.header(RATE_COUNT)).contains("1");
    String etag = first.header("ETag").orElseThrow();
    for (int i = 0; i < 10; i++) {
      var notModified = api.get("/api/v2/scripts/published/" + id, t, "If-None-Match", etag);
      assertThat(notModified.status()).isEqualTo(304);
      assertThat(notModified.body()).isEmpty();
      assertThat(notModified.header("ETag")).contains(etag);
      assertThat(notModified.header(RATE_COUNT)).contains("1");
    }
    var second = api.get("/api/v2/scripts/published/" + id, t);
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.header(RATE_COUNT)).contains("2");
    assertThat(second.body()).isEqualTo(first.body());
    var refused = api.get("/api/v2/scripts/published/" + id, t);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("Retry-After")).isPresent();
    assertThat(refused.header("ETag")).isEmpty();
    assertThat(refused.body()).doesNotContain("Greeting");
  }

  @Test
  void anotherOrgsScriptIsNotFoundEvenOnceItIsInMemory() {
    String id = fx.publishedScript(Fixtures.GREETING_SCRIPT);
    assertThat(api.get("/api/v2/scripts/published/" + id, token).status()).isEqualTo(200);
    for (String sub : new String[] {"", "/pages", "/variables", "/pages/start"}) {
      var other = api.get("/api/v2/scripts/published/" + id + sub, otherToken);
      assertThat(other.status()).as(sub).isEqualTo(404);
      assertThat(other.json().get("code").asString()).isEqualTo("not.found");
      assertThat(other.header("ETag")).isEmpty();
      assertThat(other.body()).doesNotContain("Greeting");
    }
  }

  @Test
  void aDeletedScriptStopsBeingServedAndARepublishIsServedAtOnce() {
    String id = fx.publishedScript(Fixtures.GREETING_SCRIPT);
    var v1 = api.get("/api/v2/scripts/published/" + id, token);
    assertThat(v1.status()).isEqualTo(200);
    String v1Tag = v1.header("ETag").orElseThrow();

    var republished =
        api.post("/api/v2/scripts/published", token, "{\"scriptId\":\"" + id + "\"}").json();
    var v2 = api.get("/api/v2/scripts/published/" + id, token, "If-None-Match", v1Tag);
    assertThat(v2.status()).isEqualTo(200);
    assertThat(v2.header("ETag")).contains("\"" + republished.get("versionId").asString() + "\"");

    assertThat(api.delete("/api/v2/scripts/" + id, token).status()).isEqualTo(204);
    for (String sub : new String[] {"", "/pages", "/variables", "/pages/start"}) {
      var gone = api.get("/api/v2/scripts/published/" + id + sub, token);
      assertThat(gone.status()).as(sub).isEqualTo(404);
      assertThat(gone.header("ETag")).isEmpty();
    }
    assertThat(api.get("/api/v2/scripts/published/" + id, token, "If-None-Match", v1Tag).status())
        .isEqualTo(404);
  }

  @Test
  void aScriptPublishedAfterA404IsServed() {
    String id = fx.script(Fixtures.GREETING_SCRIPT);
    assertThat(api.get("/api/v2/scripts/published/" + id, token).status()).isEqualTo(404);
    api.post("/api/v2/scripts/published", token, "{\"scriptId\":\"" + id + "\"}");
    assertThat(api.get("/api/v2/scripts/published/" + id, token).status()).isEqualTo(200);
  }

  @Test
  void aDraftIsServedAsItsListingEntityAndFollowsEachSaveAndPublish() {
    String t = api.token(server.newOrg());
    String id = new Fixtures(api, t).script(Fixtures.GREETING_SCRIPT);
    String path = "/api/v2/scripts/" + id;
    var first = api.get(path, t);
    var again = api.get(path, t);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(api.get("/api/v2/scripts", t).body()).contains(again.body());
    assertThat(again.header("ETag")).contains("\"1\"");
    assertThat(again.header("Content-Type")).contains("application/json");
    assertThat(again.header("inin-ratelimit-count")).isPresent();
    assertThat(api.get(path, t, "If-None-Match", "\"1\"").status()).isEqualTo(304);
    assertThat(api.get(path, otherToken).status()).isEqualTo(404);

    // A publish changes the draft's publishedDate, and nothing else.
    api.post("/api/v2/scripts/published", t, "{\"scriptId\":\"" + id + "\"}");
    var published = api.get(path, t);
    assertThat(published.json().get("publishedDate").isString()).isTrue();
    assertThat(first.json().has("publishedDate")).isFalse();
    assertThat(api.get("/api/v2/scripts", t).body()).contains(published.body());

    // A save is a new version with its own content.
    var saved =
        api.put(
            path,
            t,
            Fixtures.GREETING_SCRIPT
                .replace("\"Greeting\"", "\"Greeting saved\"")
                .replaceFirst("\\{", "{\"version\":1,"));
    assertThat(saved.status()).as(saved.body()).isEqualTo(200);
    var after = api.get(path, t, "If-None-Match", "\"1\"");
    assertThat(after.status()).isEqualTo(200);
    assertThat(after.header("ETag")).contains("\"2\"");
    assertThat(after.json().get("name").asString()).isEqualTo("Greeting saved");
    assertThat(after.body()).isEqualTo(saved.body());
    assertThat(api.delete(path, t).status()).isEqualTo(204);
    assertThat(api.get(path, t).status()).isEqualTo(404);
  }
}
