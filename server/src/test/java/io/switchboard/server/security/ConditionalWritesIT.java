package io.switchboard.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TwoOrgServer;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 11: every versioned write honours {@code If-Match} through one helper. A stale tag
 * is 409 {@code version.mismatch}; a tag and a body {@code version} that disagree are 400 naming
 * {@code version}; a tag that is not a version is 400; the current tag writes. Credential PUT
 * ignored the header and external APIs let the body's version win.
 */
class ConditionalWritesIT extends TwoOrgServer {
  /** One versioned write route: how to make a fresh entity and send a write to it. */
  private record Route(String name, Supplier<String> create, Writer write, boolean hasBody) {}

  private interface Writer {
    Api.Response send(String path, String bodyVersion, String... headers);
  }

  private static final String MERGE = "application/merge-patch+json";

  private static String withVersion(String json, String version) {
    return version == null
        ? json
        : json.substring(0, json.length() - 1) + ",\"version\":" + version + "}";
  }

  private static List<Route> routes() {
    String scriptId = fx.publishedScript(Fixtures.GREETING_SCRIPT);
    String agent = fx.user("Agent");
    Supplier<String> session =
        () ->
            "/api/v2/agent-scripting/sessions/"
                + fx.session(scriptId, fx.call(agent).get("id").asString(), null)
                    .get("id")
                    .asString();
    Supplier<String> credential =
        () ->
            "/api/v2/integrations/credentials/"
                + created(
                    api.post(
                        "/api/v2/integrations/credentials",
                        token,
                        "{\"name\":\"c\",\"type\":\"bearer\",\"credentialFields\":{\"token\":\"t0k3n\"}}"));
    Supplier<String> externalApi =
        () ->
            "/api/v2/architect/external-apis/"
                + created(
                    api.post(
                        "/api/v2/architect/external-apis",
                        token,
                        "{\"name\":\"e\",\"method\":\"GET\",\"url\":\"https://crm.example.com/x\"}"));
    Supplier<String> script = () -> "/api/v2/scripts/" + fx.script("{\"name\":\"s\"}");
    return List.of(
        new Route(
            "script PUT",
            script,
            (p, v, h) -> api.put(p, token, withVersion("{\"name\":\"s2\"}", v), h),
            true),
        new Route(
            "session PATCH",
            session,
            (p, v, h) ->
                api.patch(
                    p,
                    token,
                    withVersion("{\"data\":{\"plan\":\"x\"}}", v),
                    concat(h, "Content-Type", MERGE)),
            true),
        new Route(
            "session PUT",
            session,
            (p, v, h) -> api.put(p, token, withVersion("{\"data\":{\"plan\":\"x\"}}", v), h),
            true),
        new Route(
            "session complete",
            session,
            (p, v, h) -> api.post(p + "/complete", token, null, h),
            false),
        new Route(
            "credential PUT",
            credential,
            (p, v, h) ->
                api.put(
                    p,
                    token,
                    withVersion("{\"name\":\"c2\",\"type\":\"bearer\",\"credentialFields\":{}}", v),
                    h),
            true),
        new Route(
            "external API PUT",
            externalApi,
            (p, v, h) ->
                api.put(
                    p,
                    token,
                    withVersion(
                        "{\"name\":\"e2\",\"method\":\"GET\",\"url\":\"https://crm.example.com/y\"}",
                        v),
                    h),
            true),
        new Route(
            "external API PATCH",
            externalApi,
            (p, v, h) -> api.patch(p, token, withVersion("{\"timeout\":5000}", v), h),
            true));
  }

  private static String created(Api.Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void everyVersionedWriteHonoursIfMatch() {
    for (Route route : routes()) {
      String path = route.create().get();
      var stale = route.write().send(path, null, "If-Match", "\"99\"");
      assertThat(stale.status()).as(route.name() + " stale If-Match: " + stale).isEqualTo(409);
      assertThat(stale.json().get("code").asString()).isEqualTo("version.mismatch");
      assertThat(stale.json().get("messageParams").get("currentVersion").asLong()).isEqualTo(1);

      var notATag = route.write().send(path, null, "If-Match", "\"banana\"");
      assertThat(notATag.status()).as(route.name() + " If-Match banana: " + notATag).isEqualTo(400);
      assertThat(notATag.json().get("code").asString()).isEqualTo("bad.request");

      if (route.hasBody()) {
        // The body names the current version, the header a stale one: neither silently wins.
        var disagree = route.write().send(path, "1", "If-Match", "\"99\"");
        assertThat(disagree.status())
            .as(route.name() + " disagreeing versions: " + disagree)
            .isEqualTo(400);
        assertThat(disagree.json().get("messageParams").get("field").asString())
            .isEqualTo("version");
        var staleBody = route.write().send(path, "99");
        assertThat(staleBody.status())
            .as(route.name() + " stale body version: " + staleBody)
            .isEqualTo(409);
      }

      var current = route.write().send(path, route.hasBody() ? "1" : null, "If-Match", "\"1\"");
      assertThat(current.status())
          .as(route.name() + " current If-Match: " + current)
          .isEqualTo(200);
      assertThat(current.header("ETag")).as(route.name()).contains("\"2\"");
      var weak = route.write().send(path, null, "If-Match", "W/\"2\"");
      assertThat(weak.status()).as(route.name() + " weak current tag: " + weak).isIn(200, 409);
      if (route.name().equals("session complete")) {
        assertThat(weak.json().get("code").asString()).isEqualTo("session.completed");
      } else {
        assertThat(weak.status()).isEqualTo(200);
        // "*" names no version: a plain write, or 400 where a replacement must name one (scripts,
        // sessions).
        var any = route.write().send(path, null, "If-Match", "*");
        assertThat(any.status()).as(route.name() + " If-Match *: " + any).isIn(200, 400);
        if (any.status() == 400)
          assertThat(any.json().get("messageParams").get("field").asString()).isEqualTo("version");
      }
    }
  }
}
