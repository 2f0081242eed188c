package io.switchboard.server.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Seed 004 at volume: 500 conversations, each disconnected and wrapped up the instant the
 * disconnect returns, by 16 concurrent workers, across the three wrap-up endpoints. Not one answer
 * may be non-2xx.
 */
class WrapupRaceIT {
  static final int CONVERSATIONS = 500;
  static final int WORKERS = 16;

  @Test
  void fiveHundredWrapupsRightAfterDisconnectAllSucceed() throws Exception {
    try (TestServer server = TestServer.start(TestServer.NO_TOKEN_LIMIT)) {
      Api api = server.api();
      String token = api.token(server.newOrg());
      var fx = new Fixtures(api, token);
      String script = fx.publishedScript(Fixtures.GREETING_SCRIPT);
      var agents = new ArrayList<String>();
      for (int i = 0; i < WORKERS; i++) agents.add(fx.user("Agent " + i));
      String code = fx.wrapupCode("Done");

      var failures = new ConcurrentLinkedQueue<String>();
      var sessions = new ConcurrentLinkedQueue<String>();
      var next = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
      try {
        var futures = new ArrayList<Future<?>>();
        for (int w = 0; w < WORKERS; w++) {
          String agentId = agents.get(w);
          futures.add(
              pool.submit(() -> {
                for (int n = next.getAndIncrement();
                    n < CONVERSATIONS;
                    n = next.getAndIncrement()) {
                  var created =
                      api.post(
                          "/api/v2/conversations/calls",
                          token,
                          "{\"from\":\"tel:+1555"
                              + n
                              + "\",\"to\":\"tel:+15550199\",\"agentId\":\""
                              + agentId
                              + "\"}",
                          "Idempotency-Key",
                          UUID.randomUUID().toString());
                  if (!check(created, "create", failures)) continue;
                  JsonNode conversation = created.json();
                  String cid = conversation.get("id").asString();
                  JsonNode agent = Fixtures.agentOf(conversation);
                  String pid = agent.get("id").asString();
                  if (n % 5 == 0) {
                    var s =
                        api.post(
                            "/api/v2/agent-scripting/sessions",
                            token,
                            "{\"scriptId\":\"" + script + "\",\"conversationId\":\"" + cid + "\"}");
                    if (check(s, "session", failures)) sessions.add(s.json().get("id").asString());
                  }
                  if (!check(
                      api.post("/api/v2/conversations/" + cid + "/disconnect", token, null),
                      "disconnect",
                      failures)) continue;
                  Api.Response wrapup =
                      switch (n % 3) {
                        case 0 ->
                            api.post(
                                "/api/v2/conversations/calls/"
                                    + cid
                                    + "/participants/"
                                    + pid
                                    + "/communications/"
                                    + agent.get("calls").get(0).get("id").asString()
                                    + "/wrapup",
                                token,
                                "{\"code\":\"" + code + "\"}",
                                "Idempotency-Key",
                                "wrapup-" + cid);
                        case 1 ->
                            api.post(
                                "/api/v2/integrations/scripting/interactions/" + cid + "/wrapup",
                                token,
                                "{\"agentId\":\"" + agentId + "\",\"code\":\"" + code + "\"}");
                        default ->
                            api.patch(
                                "/api/v2/conversations/" + cid + "/participants/" + pid,
                                token,
                                "{\"wrapup\":{\"code\":\"" + code + "\"}}");
                      };
                  check(wrapup, "wrapup", failures);
                }
              }));
        }
        for (Future<?> f : futures) f.get(5, TimeUnit.MINUTES);
      } finally {
        pool.shutdownNow();
      }
      assertThat(failures).as("non-2xx answers").isEmpty();
      assertThat(next.get()).isGreaterThanOrEqualTo(CONVERSATIONS);
      assertThat(sessions).hasSize(CONVERSATIONS / 5);
      for (String s : List.copyOf(sessions)) {
        assertThat(
                api.get("/api/v2/agent-scripting/sessions/" + s, token)
                    .json()
                    .get("state")
                    .asString())
            .isEqualTo("completed");
      }
    }
  }

  private static boolean check(
      Api.Response r, String step, ConcurrentLinkedQueue<String> failures) {
    if (r.status() >= 200 && r.status() < 300) return true;
    failures.add(step + ": " + r);
    return false;
  }
}
