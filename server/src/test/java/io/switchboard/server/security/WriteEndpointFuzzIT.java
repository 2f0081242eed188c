package io.switchboard.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 10, item 9: hostile and odd requests to every write endpoint the running server registers.
 * No answer may be a 5xx, and every error under {@code /api/v2} must be a well-formed ErrorBody
 * whose {@code contextId} is the response's correlation id. Seeds are fixed, so a failure names its
 * seed and request number and replays exactly; the seeds that found 500s on the old code are kept
 * (see {@link #SEEDS}).
 */
class WriteEndpointFuzzIT {
  /**
   * On the old code seed 1 found null-body 500s (credential PUT, limits PUT, client POST, publish,
   * script POST), seed 42 more (call POST, participant PATCH, external-API query) and every seed
   * found Jetty's HTML 400 for {@code %00} in a path, whose connection then closed without saying
   * so.
   */
  private static final String SEEDS = "1, 7, 42";

  private static final int REQUESTS_PER_SEED = 400;
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z]+)}");

  private static TestServer server;
  private static Api api;
  private static TestServer.OrgAccess org;
  private static String token;
  private static List<String> writeRoutes;

  @BeforeAll
  static void start() {
    server = TestServer.start(TestServer.NO_TOKEN_LIMIT);
    api = server.api();
    org = server.newOrg();
    token = api.token(org);
    writeRoutes =
        server.switchboard().routes().stream()
            .filter(
                r -> !r.startsWith("GET ") && !r.startsWith("HEAD ") && !r.startsWith("OPTIONS "))
            .distinct()
            .sorted()
            .toList();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /**
   * The ids a route's path parameters can take: real ones of this org (fresh per seed), and odd
   * ones.
   */
  private static Map<String, String> fixtures() {
    var fx = new Fixtures(api, token);
    var ids = new LinkedHashMap<String, String>();
    String agent = fx.user("Agent");
    JsonNode call = fx.call(agent);
    String script = fx.publishedScript(Fixtures.GREETING_SCRIPT);
    ids.put("agent", agent);
    ids.put("cid", call.get("id").asString());
    ids.put("interactionId", call.get("id").asString());
    JsonNode participant = Fixtures.agentOf(call);
    ids.put("pid", participant.get("id").asString());
    ids.put("commId", participant.path("calls").path(0).path("id").asString("comm"));
    ids.put("script", script);
    ids.put("session", fx.session(script, call.get("id").asString(), null).get("id").asString());
    ids.put(
        "credential",
        created(
            api.post(
                "/api/v2/integrations/credentials",
                token,
                "{\"name\":\"c\",\"type\":\"bearer\",\"credentialFields\":{\"token\":\"t0k3n\"}}")));
    // A closed loopback port: /test never leaves the machine.
    ids.put(
        "api",
        created(
            api.post(
                "/api/v2/architect/external-apis",
                token,
                "{\"name\":\"e\",\"method\":\"POST\",\"url\":\"http://127.0.0.1:9/x/${input.id}\",\"timeout\":1000}")));
    // A Genesys-shaped integration and data action (also aimed at a closed loopback port).
    ids.put(
        "integration",
        created(
            api.post(
                "/api/v2/integrations",
                token,
                "{\"name\":\"i\",\"integrationType\":{\"id\":\"custom-rest-actions\"},\"intendedState\":\"ENABLED\"}")));
    ids.put(
        "action",
        created(
            api.post(
                "/api/v2/integrations/actions",
                token,
                "{\"name\":\"a\",\"integrationId\":\""
                    + ids.get("integration")
                    + "\",\"config\":{\"request\":{\"requestUrlTemplate\":\"http://127.0.0.1:9/x\",\"requestType\":\"POST\"}},"
                    + "\"contract\":{\"input\":{\"inputSchema\":{\"type\":\"object\"}},\"output\":{\"successSchema\":{\"type\":\"object\"}}}}")));
    ids.put("code", fx.wrapupCode("code"));
    ids.put(
        "channel",
        api.post("/api/v2/notifications/channels", token, null).json().get("id").asString());
    ids.put(
        "client",
        created(
            api.post(
                "/api/v2/oauth/clients", token, "{\"name\":\"victim\",\"scope\":[\"scripts\"]}")));
    return ids;
  }

  private static String created(Api.Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  /** The real id for a path parameter of a route. */
  private static String realId(String route, String param, Map<String, String> ids) {
    return switch (param) {
      case "cid", "pid", "commId", "interactionId" -> ids.get(param);
      case "namespace" -> "platform.api";
      case "integrationId" -> ids.get("integration");
      case "actionId" -> ids.get("action");
      default -> {
        if (route.contains("/scripts")) yield ids.get("script");
        if (route.contains("/sessions")) yield ids.get("session");
        if (route.contains("/credentials")) yield ids.get("credential");
        if (route.contains("/external-apis")) yield ids.get("api");
        if (route.contains("/wrapupcodes")) yield ids.get("code");
        if (route.contains("/oauth/clients")) yield ids.get("client");
        if (route.contains("/notifications/channels")) yield ids.get("channel");
        if (route.contains("/conversations")) yield ids.get("cid");
        yield ids.get("agent");
      }
    };
  }

  /** A body that the route accepts, which the fuzzer then mutates. */
  private static String validBody(String route, Map<String, String> ids) {
    String path = route.substring(route.indexOf(' ') + 1);
    return switch (route.substring(0, route.indexOf(' ')) + " " + path) {
      case "POST /api/v2/oauth/clients" ->
          "{\"name\":\"n\",\"scope\":[\"scripts\"],\"accessTokenValiditySeconds\":600}";
      case "POST /api/v2/users" ->
          "{\"name\":\"u\",\"email\":\"u@example.com\",\"department\":\"d\",\"title\":\"t\"}";
      case "POST /api/v2/routing/wrapupcodes", "PUT /api/v2/routing/wrapupcodes/{id}" ->
          "{\"name\":\"w\"}";
      case "POST /api/v2/conversations/calls" ->
          "{\"from\":\"tel:+15550100\",\"to\":\"tel:+15550199\",\"agentId\":\""
              + ids.get("agent")
              + "\",\"attributes\":{\"a\":\"b\"}}";
      case "PATCH /api/v2/conversations/{cid}/participants/{pid}" ->
          "{\"state\":\"disconnected\",\"wrapup\":{\"code\":\""
              + ids.get("code")
              + "\",\"notes\":\"n\",\"tags\":[\"t\"],\"durationSeconds\":5}}";
      case "POST /api/v2/conversations/calls/{cid}/participants/{pid}/communications/{commId}/wrapup" ->
          "{\"code\":\""
              + ids.get("code")
              + "\",\"notes\":\"n\",\"tags\":[\"t\"],\"durationSeconds\":5}";
      case "POST /api/v2/integrations/scripting/interactions/{interactionId}/wrapup" ->
          "{\"participantId\":\""
              + ids.get("pid")
              + "\",\"code\":\""
              + ids.get("code")
              + "\",\"tags\":[\"t\"]}";
      case "POST /api/v2/scripts", "PUT /api/v2/scripts/{id}" ->
          Fixtures.GREETING_SCRIPT.strip().replaceFirst("\\{", "{\"version\":1,");
      case "POST /api/v2/scripts/published" -> "{\"scriptId\":\"" + ids.get("script") + "\"}";
      case "POST /api/v2/agent-scripting/sessions" ->
          "{\"scriptId\":\""
              + ids.get("script")
              + "\",\"conversationId\":\""
              + ids.get("cid")
              + "\",\"data\":{\"plan\":\"gold\"}}";
      case "POST /api/v2/agent-scripting/sessions/bulk" ->
          "[{\"scriptId\":\""
              + ids.get("script")
              + "\",\"conversationId\":\""
              + ids.get("cid")
              + "\"}]";
      case "PATCH /api/v2/agent-scripting/sessions/{id}",
          "PUT /api/v2/agent-scripting/sessions/{id}" ->
          "{\"data\":{\"plan\":\"gold\",\"age\":3},\"version\":1}";
      case "PUT /api/v2/organizations/limits/namespaces/{namespace}" ->
          "{\"limits\":[{\"key\":\"client.credentials.token.rate.per.minute\",\"value\":100000}]}";
      case "POST /api/v2/integrations/credentials", "PUT /api/v2/integrations/credentials/{id}" ->
          "{\"name\":\"c\",\"type\":\"bearer\",\"credentialFields\":{\"token\":\"t0k3n\"},\"version\":1}";
      case "POST /api/v2/architect/external-apis",
          "PUT /api/v2/architect/external-apis/{id}",
          "PATCH /api/v2/architect/external-apis/{id}" ->
          "{\"name\":\"e\",\"method\":\"POST\",\"url\":\"http://127.0.0.1:9/x/${input.id}\",\"timeout\":1000,\"retry\":0,\"headers\":[{\"key\":\"X-A\",\"value\":\"${input.id}\"}],"
              + "\"requestTemplate\":{\"id\":\"${input.id}\"},\"responseMapping\":{\"outputs\":{\"a\":\"$.a\",\"b\":\"body.size()\"}}}";
      case "POST /api/v2/architect/external-apis/query" ->
          "{\"limit\":5,\"filter\":{\"name\":\"e\",\"timeout\":1000}}";
      case "POST /api/v2/architect/external-apis/{id}/test" -> "{\"inputs\":{\"id\":\"7\"}}";
      default -> "{}";
    };
  }

  private static final String[] ODD_BODIES = {
    "null", "[]", "[null]", "[[]]", "{}", "0", "-1", "1e309", "-0.0",
        "123456789012345678901234567890", "\"text\"", "true", "NaN",
    "Infinity", "{\"a\":NaN}", "\"\\ud800\"", "\"\\u0000\"", "", "   ", "{", "}", "[", "{\"a\":}",
        "{\"a\":1,}", "{\"a\" 1}", "nul",
    "{\"name\":null}", "{\"name\":[null]}", "{\"name\":{}}", "[{}]", "[1,2,3]", "{\"\":\"\"}",
        "\uFEFF{}", "{\"a\":1}{\"b\":2}",
  };

  private static final Object[] ODD_VALUES = {
    null,
    "",
    " ",
    "x".repeat(5000),
    "\u0000",
    "\ud83d\ude00",
    "\u202e",
    "../../etc/passwd",
    "%00",
    0,
    -1,
    Integer.MAX_VALUE,
    Long.MAX_VALUE,
    Long.MIN_VALUE,
    new java.math.BigInteger("123456789012345678901234567890"),
    1.5,
    -0.0,
    1e300,
    true,
    false,
    List.of(),
    Map.of(),
    java.util.Arrays.asList((Object) null),
    List.of(List.of()),
    Map.of("a", java.util.Arrays.asList((Object) null)),
  };

  private static final String[] ODD_IDS = {
    "x",
    "00000000-0000-0000-0000-000000000000",
    "%00",
    "%E2%80%AE",
    "..",
    "%2e%2e",
    "a%2Fb",
    "x".repeat(300),
    "%F0%9F%98%80",
    "-1",
    "null",
  };

  private static final String[] ODD_QUERIES = {
    "",
    "",
    "",
    "?pageSize=-1",
    "?pageSize=abc&pageNumber=99999999999999999999",
    "?x=%00",
    "?%25zz=%FF",
    "?revokeTokens=maybe",
    "?a=1&a=2",
  };

  private static final String[][] ODD_HEADERS = {
    {},
    {},
    {},
    {"If-Match", "\"banana\""},
    {"If-Match", "\"99999999999999999999\""},
    {"If-Match", "W/\"-1\""},
    {"Idempotency-Key", "k".repeat(300)},
    {"Idempotency-Key", "\u00e9t\u00e9"},
    {"Idempotency-Key", ""},
    {"X-Genesys-Organization-Id", "other"},
    {"ININ-Correlation-Id", "bad id \u00e9"},
  };

  private static final String[] CONTENT_TYPES = {
    "application/json",
    "application/json",
    "application/json",
    "application/json; charset=utf-8",
    "application/merge-patch+json",
    "text/plain",
    "application/json; charset=latin1",
    null,
    "application/json;;",
    "*/*",
  };

  private record Sent(String method, String path, byte[] body, String[] headers) {
    @Override
    public String toString() {
      String b = new String(body, StandardCharsets.UTF_8);
      var shown =
          java.util.Arrays.stream(headers)
              .map(h -> h.length() > 40 ? h.substring(0, 40) + "..." : h)
              .toList();
      return method
          + " "
          + path
          + " headers="
          + shown
          + " body="
          + (b.length() > 300 ? b.substring(0, 300) + "..." : b);
    }
  }

  private static Sent request(Random random, String route, Map<String, String> ids) {
    String method = route.substring(0, route.indexOf(' '));
    String template = route.substring(route.indexOf(' ') + 1);
    Matcher m = PARAM.matcher(template);
    var path = new StringBuilder();
    while (m.find()) {
      String id =
          random.nextInt(4) == 0
              ? ODD_IDS[random.nextInt(ODD_IDS.length)]
              : realId(template, m.group(1), ids);
      m.appendReplacement(path, Matcher.quoteReplacement(id));
    }
    m.appendTail(path);
    path.append(ODD_QUERIES[random.nextInt(ODD_QUERIES.length)]);

    byte[] body =
        switch (random.nextInt(8)) {
          case 0, 1 -> mutated(random, validBody(route, ids)).getBytes(StandardCharsets.UTF_8);
          case 2, 3 ->
              ODD_BODIES[random.nextInt(ODD_BODIES.length)].getBytes(StandardCharsets.UTF_8);
          case 4 ->
              new String[] {"null", "[null]", "[]", "0", "\"s\""}
                  [random.nextInt(5)].getBytes(StandardCharsets.UTF_8);
          case 5 -> nested(random).getBytes(StandardCharsets.UTF_8);
          case 6 ->
              new byte[] {
                '{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'
              };
          default -> validBody(route, ids).getBytes(StandardCharsets.UTF_8);
        };
    var headers = new ArrayList<String>();
    String contentType = CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
    if (contentType != null) headers.addAll(List.of("Content-Type", contentType));
    headers.addAll(List.of(ODD_HEADERS[random.nextInt(ODD_HEADERS.length)]));
    return new Sent(method, path.toString(), body, headers.toArray(String[]::new));
  }

  /**
   * The valid body with one member (at any depth) replaced by an odd value, or one removed or
   * added.
   */
  private static String mutated(Random random, String valid) {
    JsonNode tree = JSON.readTree(valid);
    var containers = new ArrayList<JsonNode>();
    collect(tree, containers);
    JsonNode target = containers.get(random.nextInt(containers.size()));
    JsonNode odd = JSON.valueToTree(ODD_VALUES[random.nextInt(ODD_VALUES.length)]);
    if (target instanceof tools.jackson.databind.node.ObjectNode o) {
      var names = new ArrayList<>(o.propertyNames());
      if (names.isEmpty() || random.nextInt(5) == 0) o.set("unexpected", odd);
      else if (random.nextInt(5) == 0) o.remove(names.get(random.nextInt(names.size())));
      else o.set(names.get(random.nextInt(names.size())), odd);
    } else if (target instanceof tools.jackson.databind.node.ArrayNode a) {
      if (a.isEmpty() || random.nextBoolean()) a.add(odd);
      else a.set(random.nextInt(a.size()), odd);
    }
    return JSON.writeValueAsString(tree);
  }

  private static void collect(JsonNode node, List<JsonNode> out) {
    if (node.isContainer()) out.add(node);
    for (JsonNode child : node) collect(child, out);
  }

  private static String nested(Random random) {
    int depth = new int[] {10, 127, 129, 1000, 20_000}[random.nextInt(5)];
    String open = random.nextBoolean() ? "[" : "{\"a\":";
    String close = open.equals("[") ? "]" : "}";
    return open.repeat(depth) + "null" + close.repeat(depth);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 7, 42})
  void noWriteEndpointAnswers5xxAndEveryErrorIsAnErrorBody(long seed) {
    assertThat(SEEDS).contains(Long.toString(seed));
    assertThat(writeRoutes).as("routes found on the running server").hasSizeGreaterThan(25);
    var random = new Random(seed);
    Map<String, String> ids = fixtures();
    var failures = new ArrayList<String>();
    Sent previous = null;
    String previousAnswer = null;
    for (int i = 0; i < REQUESTS_PER_SEED; i++) {
      String route = writeRoutes.get(random.nextInt(writeRoutes.size()));
      // Revoking the caller's own token would end the run: that route gets a token of its own.
      String t = route.equals("DELETE /api/v2/tokens/me") ? api.token(org) : token;
      Sent sent = request(random, route, ids);
      Api.Response r;
      try {
        r = api.raw(sent.method(), sent.path(), t, sent.body(), sent.headers());
      } catch (IllegalArgumentException clientRefused) {
        continue; // java.net.http would not send it (a header it finds illegal); RawHttp tests
        // cover those.
      } catch (java.io.UncheckedIOException e) {
        failures.add(
            "seed "
                + seed
                + " #"
                + i
                + " "
                + sent
                + " -> no answer: "
                + e.getMessage()
                + " AFTER "
                + previous
                + " ANSWERED "
                + previousAnswer);
        continue;
      }
      previous = sent;
      previousAnswer = r.status() + " " + r.headers().map();
      String problem = check(sent, r);
      if (problem != null) failures.add("seed " + seed + " #" + i + " " + sent + " -> " + problem);
    }
    assertThat(failures).as("requests answered badly").isEmpty();
  }

  /**
   * The 500s the fuzzer found, kept as fixed inputs: a JSON null body everywhere, null items in
   * lists.
   */
  @org.junit.jupiter.api.Test
  void nullBodiesAndNullItemsAre400() {
    Map<String, String> ids = fixtures();
    var failures = new ArrayList<String>();
    // Deletes last, so that the other routes still find the entities.
    var ordered =
        writeRoutes.stream()
            .sorted(java.util.Comparator.comparing(r -> r.startsWith("DELETE ")))
            .toList();
    for (String route : ordered) {
      if (route.equals("DELETE /api/v2/tokens/me")) continue;
      Sent sent = new Sent(route.substring(0, route.indexOf(' ')), "", new byte[0], new String[0]);
      String template = route.substring(route.indexOf(' ') + 1);
      Matcher m = PARAM.matcher(template);
      var real = new StringBuilder();
      while (m.find())
        m.appendReplacement(real, Matcher.quoteReplacement(realId(template, m.group(1), ids)));
      String path = m.appendTail(real).toString();
      for (String body : new String[] {"null", "[null]"}) {
        var r =
            api.raw(
                sent.method(),
                path,
                token,
                body.getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/json");
        String problem =
            check(
                new Sent(sent.method(), path, body.getBytes(StandardCharsets.UTF_8), new String[0]),
                r);
        if (problem != null) failures.add(route + " " + body + " -> " + problem);
        boolean readsBody =
            !sent.method().equals("DELETE")
                && !route.endsWith("/complete")
                && !route.endsWith("/disconnect")
                && !route.endsWith("/secret")
                // Applies the ready scenario the path names; a body is not read.
                && !route.startsWith("POST /api/v2/switchboard/faults/scenarios/")
                // Genesys's channel creation takes no body.
                && !route.equals("POST /api/v2/notifications/channels")
                // The OAuth endpoints read forms, not JSON: 415 for a JSON body.
                && !route.startsWith("POST /oauth/");
        if (readsBody && body.equals("null") && r.status() != 400)
          failures.add(route + " null body -> " + r.status() + ", expected 400");
      }
    }
    assertThat(failures).isEmpty();

    String item =
        "{\"scriptId\":\""
            + ids.get("script")
            + "\",\"conversationId\":\""
            + ids.get("cid")
            + "\"}";
    var bulk = api.post("/api/v2/agent-scripting/sessions/bulk", token, "[" + item + ",null,5]");
    assertThat(bulk.status()).as(bulk.toString()).isEqualTo(200);
    JsonNode results = bulk.json().get("results");
    assertThat(results.get(1).get("status").asInt()).isEqualTo(400);
    assertThat(results.get(1).get("error").get("messageParams").get("field").asString())
        .isEqualTo("[1]");
    assertThat(results.get(2).get("error").get("messageParams").get("field").asString())
        .isEqualTo("[2]");

    var tags =
        api.post(
            "/api/v2/integrations/scripting/interactions/" + ids.get("cid") + "/wrapup",
            token,
            "{\"participantId\":\""
                + ids.get("pid")
                + "\",\"code\":\""
                + ids.get("code")
                + "\",\"tags\":[\"a\",null]}");
    assertThat(tags.status()).as(tags.toString()).isEqualTo(400);
    assertThat(tags.json().get("messageParams").get("field").asString()).isEqualTo("tags[1]");
    var scope = api.post("/api/v2/oauth/clients", token, "{\"name\":\"n\",\"scope\":[null]}");
    assertThat(scope.status()).as(scope.toString()).isEqualTo(400);
    assertThat(scope.json().get("messageParams").get("field").asString()).isEqualTo("scope[0]");
  }

  /** Null when the answer is acceptable, else what is wrong with it. */
  static String check(Sent sent, Api.Response r) {
    if (r.status() >= 500) return r.status() + " " + r.body();
    if (r.status() < 400 || !sent.path().startsWith("/api/v2")) return null;
    JsonNode body;
    try {
      body = r.json();
    } catch (RuntimeException e) {
      return r.status() + " with a body that is not JSON: " + r.body();
    }
    String correlation = r.header("ININ-Correlation-Id").orElse("");
    if (!body.isObject()
        || !body.path("code").isString()
        || !body.path("message").isString()
        || body.path("status").asInt() != r.status()
        || !body.path("messageParams").isObject()
        || correlation.isBlank()
        || !correlation.equals(body.path("contextId").asString())) {
      return r.status() + " is not a well-formed ErrorBody with the correlation id: " + r.body();
    }
    return null;
  }
}
