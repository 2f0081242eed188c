package io.switchboard.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Each inbound effect over real HTTP. Timings are checked with generous tolerances: a lower bound
 * that the effect guarantees, an upper bound far above it for a busy machine.
 */
class FaultEffectsIT {
  static final String FAULTS = "/api/v2/switchboard/faults";
  static TestServer server;
  static Api api;
  static String admin;
  static Fixtures fx;

  @BeforeAll
  static void start() {
    server = TestServer.start(TestServer.NO_TOKEN_LIMIT);
    api = server.api();
    admin = api.token(server.newOrg());
    fx = new Fixtures(api, admin);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void clear() {
    assertThat(api.delete(FAULTS, admin).status()).isEqualTo(204);
  }

  static String create(String json) {
    var r = api.post(FAULTS, admin, json);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  static long millis(Runnable r) {
    long t = System.nanoTime();
    r.run();
    return (System.nanoTime() - t) / 1_000_000;
  }

  @Test
  void fixedLatencyDelaysTheAnswerAndNamesTheRule() {
    String id =
        create(
            "{\"name\":\"slow users\",\"match\":{\"path\":\"/api/v2/users\"},"
                + "\"effect\":{\"type\":\"latency\",\"latencyMs\":400}}");
    var holder = new Api.Response[1];
    long ms = millis(() -> holder[0] = api.get("/api/v2/users", admin));
    assertThat(holder[0].status()).isEqualTo(200);
    assertThat(holder[0].header("Switchboard-Fault")).contains(id);
    assertThat(ms).isBetween(390L, 5_000L);
    long plain = millis(() -> api.get("/api/v2/routing/wrapupcodes", admin));
    assertThat(plain).isLessThan(ms);
  }

  @Test
  void uniformLatencyStaysInItsRange() {
    create(
        "{\"name\":\"jitter\",\"seed\":7,\"match\":{\"path\":\"/api/v2/users\"},"
            + "\"effect\":{\"type\":\"latency\",\"minLatencyMs\":100,\"maxLatencyMs\":300}}");
    for (int i = 0; i < 5; i++) {
      long ms = millis(() -> assertThat(api.get("/api/v2/users", admin).status()).isEqualTo(200));
      assertThat(ms).isBetween(95L, 5_000L);
    }
  }

  @Test
  void silentRulesLeaveNoHeader() {
    create(
        "{\"name\":\"quiet\",\"silent\":true,\"match\":{\"path\":\"/api/v2/users\"},"
            + "\"effect\":{\"type\":\"status\",\"status\":504,\"retryAfterSeconds\":2}}");
    var r = api.get("/api/v2/users", admin);
    assertThat(r.status()).isEqualTo(504);
    assertThat(r.header("Switchboard-Fault")).isEmpty();
    assertThat(r.header("Retry-After")).contains("2");
    assertThat(r.json().get("code").asString()).isEqualTo("gateway.timeout");
  }

  @Test
  void resetDropsTheConnectionWithoutAnAnswer() throws Exception {
    String id =
        create(
            "{\"name\":\"reset\",\"match\":{\"path\":\"/api/v2/users\"},"
                + "\"effect\":{\"type\":\"reset\"}}");
    var outcome = rawGet("/api/v2/users", 5_000);
    assertThat(outcome.bytes).as("no answer at all").isZero();
    assertThat(outcome.failure).isInstanceOf(SocketException.class);
    assertThat(outcome.failure.getMessage()).containsIgnoringCase("reset");
    assertThat(api.get(FAULTS + "/" + id, admin).json().get("injected").asLong()).isEqualTo(1);
    // The server goes on serving.
    assertThat(api.get("/api/v2/routing/wrapupcodes", admin).status()).isEqualTo(200);
  }

  @Test
  void stallHoldsTheConnectionSilentThenDropsIt() throws Exception {
    create(
        "{\"name\":\"stall\",\"match\":{\"path\":\"/api/v2/users\"},"
            + "\"effect\":{\"type\":\"stall\",\"durationMs\":1000}}");
    // A client with a short read timeout gives up while nothing comes.
    var impatient = rawGet("/api/v2/users", 300);
    assertThat(impatient.failure).isInstanceOf(SocketTimeoutException.class);
    assertThat(impatient.bytes).isZero();
    // A patient one sees the connection dropped after the stall, still without an answer.
    var patient = rawGet("/api/v2/users", 10_000);
    assertThat(patient.bytes).isZero();
    assertThat(patient.millis).isBetween(950L, 8_000L);
  }

  record RawOutcome(long bytes, Exception failure, long millis) {}

  private static RawOutcome rawGet(String path, int readTimeoutMs) throws IOException {
    long start = System.nanoTime();
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(readTimeoutMs);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                  + admin
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      long n = 0;
      try {
        byte[] buf = new byte[4096];
        for (int r; (r = in.read(buf)) >= 0; ) n += r;
        return new RawOutcome(n, null, (System.nanoTime() - start) / 1_000_000);
      } catch (IOException e) {
        return new RawOutcome(n, e, (System.nanoTime() - start) / 1_000_000);
      }
    }
  }

  @Test
  void anOutageWindowRefusesOnlyWithinIt() {
    Instant now = Instant.now();
    String id =
        create(
            "{\"name\":\"maintenance\",\"match\":{\"path\":\"/api/v2/users\"},"
                + "\"effect\":{\"type\":\"outage\",\"until\":\""
                + now.plusSeconds(30)
                + "\"}}");
    var r = api.get("/api/v2/users", admin);
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.header("Switchboard-Fault")).contains(id);
    // Retry-After: the time left in the window.
    assertThat(Long.parseLong(r.header("Retry-After").orElseThrow())).isBetween(20L, 30L);
    assertThat(api.delete(FAULTS + "/" + id, admin).status()).isEqualTo(204);
    create(
        "{\"name\":\"later\",\"match\":{\"path\":\"/api/v2/users\"},"
            + "\"effect\":{\"type\":\"outage\",\"from\":\""
            + now.plusSeconds(3_600)
            + "\",\"until\":\""
            + now.plusSeconds(7_200)
            + "\",\"status\":502}}");
    assertThat(api.get("/api/v2/users", admin).status()).isEqualTo(200);
  }

  @Test
  void aSqueezeLowersTheLimitForMatchingRequests() {
    String id =
        create(
            "{\"name\":\"squeeze\",\"match\":{\"method\":\"GET\",\"path\":\"/api/v2/users\"},"
                + "\"effect\":{\"type\":\"rateLimitSqueeze\",\"limit\":3,\"windowSeconds\":60}}");
    for (int i = 0; i < 3; i++) {
      var ok = api.get("/api/v2/users", admin);
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.header("inin-ratelimit-allowed")).contains("3");
    }
    var refused = api.get("/api/v2/users", admin);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.json().get("code").asString()).isEqualTo("too.many.requests");
    assertThat(refused.json().get("messageParams").get("bucket").asString())
        .isEqualTo("fault:" + id);
    assertThat(Long.parseLong(refused.header("Retry-After").orElseThrow())).isBetween(1L, 60L);
    assertThat(refused.header("Switchboard-Fault")).contains(id);
    // Other paths keep the normal limits.
    assertThat(api.get("/api/v2/routing/wrapupcodes", admin).status()).isEqualTo(200);
  }

  @Test
  void sessionWritesGetVersionMismatchWhileReadsPass() {
    String script = fx.publishedScript(Fixtures.GREETING_SCRIPT);
    JsonNode session = fx.session(script, fx.call(null).get("id").asString(), null);
    String path = "/api/v2/agent-scripting/sessions/" + session.get("id").asString();
    String id =
        create(
            "{\"name\":\"lock\",\"match\":{\"path\":\"/api/v2/agent-scripting/sessions/*\"},"
                + "\"effect\":{\"type\":\"versionMismatch\"}}");
    var r = api.patch(path, admin, "{\"data\":{\"customerName\":\"Ada\"}}");
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().get("code").asString()).isEqualTo("version.mismatch");
    assertThat(r.header("Switchboard-Fault")).contains(id);
    assertThat(api.get(path, admin).status()).isEqualTo(200);
    assertThat(api.delete(FAULTS + "/" + id, admin).status()).isEqualTo(204);
    assertThat(api.patch(path, admin, "{\"data\":{\"customerName\":\"Ada\"}}").status())
        .isEqualTo(200);
  }

  @Test
  void readAfterWriteLagMakesANaiveWrapupRead404WhileARetrySucceeds() throws Exception {
    String agent = fx.user("agent");
    String code = fx.wrapupCode("Resolved");
    JsonNode call = fx.call(agent);
    String cid = call.get("id").asString();
    JsonNode agentParticipant = Fixtures.agentOf(call);
    String pid = agentParticipant.get("id").asString();
    String commId = agentParticipant.get("calls").get(0).get("id").asString();
    String id = create(FaultRulesIT.SEED_004);
    assertThat(api.get("/api/v2/conversations/" + cid, admin).status())
        .as("no write yet: no lag")
        .isEqualTo(200);

    assertThat(api.post("/api/v2/conversations/" + cid + "/disconnect", admin, null).status())
        .isEqualTo(202);
    var naive = api.get("/api/v2/conversations/" + cid, admin);
    assertThat(naive.status()).isEqualTo(404);
    assertThat(naive.json().get("code").asString()).isEqualTo("not.found");
    assertThat(naive.header("Switchboard-Fault")).contains(id);

    String wrapupPath =
        "/api/v2/conversations/calls/"
            + cid
            + "/participants/"
            + pid
            + "/communications/"
            + commId
            + "/wrapup";
    assertThat(api.post(wrapupPath, admin, "{\"code\":\"" + code + "\"}").status()).isEqualTo(202);
    String read = "/api/v2/conversations/" + cid + "/participants/" + pid + "/wrapup";
    long writtenAt = System.nanoTime();
    assertThat(api.get(read, admin).status()).as("the naive read right after").isEqualTo(404);

    // A client that treats a 404 right after its own write as "not yet" and retries gets it.
    var statuses = new ArrayList<Integer>();
    Api.Response last;
    do {
      Thread.sleep(250);
      last = api.get(read, admin);
      statuses.add(last.status());
    } while (last.status() == 404 && System.nanoTime() - writtenAt < 10_000_000_000L);
    assertThat(last.status()).isEqualTo(200);
    assertThat(last.json().get("code").asString()).isEqualTo(code);
    long lagged = (System.nanoTime() - writtenAt) / 1_000_000;
    assertThat(lagged).isGreaterThanOrEqualTo(1_400L);
    assertThat(statuses.getFirst()).isEqualTo(404);
    // Another conversation, never written since the rule, is not affected.
    JsonNode other = fx.call(null);
    assertThat(api.get("/api/v2/conversations/" + other.get("id").asString(), admin).status())
        .isEqualTo(200);
  }

  @Test
  void readAfterWriteLagCanServeThePreviousVersion() throws Exception {
    String codes = "/api/v2/routing/wrapupcodes";
    String codeId = fx.wrapupCode("Before");
    String id =
        create(
            "{\"name\":\"stale reads\",\"match\":{\"method\":\"GET\",\"path\":\""
                + codes
                + "/*\"},\"effect\":{\"type\":\"readAfterWriteLag\",\"lagMs\":1500,"
                + "\"previousVersion\":true}}");
    JsonNode before = api.get(codes + "/" + codeId, admin).json();
    String oldName = before.get("name").asString();
    var changed = api.put(codes + "/" + codeId, admin, before.toString().replace(oldName, "After"));
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    long writtenAt = System.nanoTime();

    var stale = api.get(codes + "/" + codeId, admin);
    assertThat(stale.status()).isEqualTo(200);
    assertThat(stale.json().get("name").asString()).isEqualTo(oldName);
    assertThat(stale.header("Switchboard-Fault")).contains(id);
    Api.Response fresh;
    do {
      Thread.sleep(200);
      fresh = api.get(codes + "/" + codeId, admin);
    } while (fresh.json().get("name").asString().equals(oldName)
        && System.nanoTime() - writtenAt < 10_000_000_000L);
    assertThat(fresh.json().get("name").asString()).isEqualTo("After");
    assertThat((System.nanoTime() - writtenAt) / 1_000_000).isGreaterThanOrEqualTo(1_400L);

    // A resource never read before its write has no previous version: 404 for the lag.
    String unread = fx.wrapupCode("Unread");
    var renamed =
        api.put(
            codes + "/" + unread,
            admin,
            "{\"name\":\"Renamed " + java.util.UUID.randomUUID() + "\"}");
    assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
    var missing = api.get(codes + "/" + unread, admin);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.header("Switchboard-Fault")).contains(id);
  }

  @Test
  void metricsCountPerRule() {
    String id =
        create(
            "{\"name\":\"counted\",\"match\":{\"path\":\"/api/v2/users\"},"
                + "\"effect\":{\"type\":\"status\",\"status\":500}}");
    api.get("/api/v2/users", admin);
    api.get("/api/v2/users", admin);
    String metrics = api.get("/metrics", null).body();
    List<String> lines = metrics.lines().filter(l -> l.contains("rule=\"" + id + "\"")).toList();
    assertThat(lines)
        .anyMatch(l -> l.startsWith("switchboard_faults_injected_total") && l.endsWith(" 2.0"));
    assertThat(lines)
        .anyMatch(l -> l.startsWith("switchboard_faults_matched_total") && l.endsWith(" 2.0"));
  }
}
