package io.switchboard.cli.load;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import io.switchboard.client.NotificationEvent;
import io.switchboard.client.NotificationsClient;
import io.switchboard.client.SwitchboardClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * The cluster-wide checks of issue 14, each across two nodes addressed directly (node A makes the
 * change, node B must show it), each printing one line: PASS or FAIL, what was seen, how long it
 * took to be seen on the other node.
 */
final class ClusterChecks {
  static final String GROUP = "integrations";
  static final String GROUP_KEY = "group." + GROUP + ".rate.per.minute";
  private static final String LIMITS = "/api/v2/organizations/limits/namespaces/platform.api";
  private static final String SESSIONS = "/api/v2/agent-scripting/sessions";
  private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(10);

  private final ClusterHttp http = new ClusterHttp();
  private final String balancer;
  private final String a;
  private final String b;
  private final Fixture.Credentials admin;
  private final PrintStream out;
  private int failures;

  ClusterChecks(String balancer, List<String> nodes, Fixture.Credentials admin, PrintStream out) {
    this.balancer = balancer;
    this.a = nodes.get(0);
    this.b = nodes.get(1);
    this.admin = admin;
    this.out = out;
  }

  boolean run(int quota) throws InterruptedException {
    String runId = UUID.randomUUID().toString().substring(0, 8);
    String token = http.token(a, admin.clientId(), admin.clientSecret());
    ClusterSetup setup;
    try (var client = client(balancer)) {
      setup = ClusterSetup.create(client, runId, 1);
    }
    limitChange(token, quota);
    rateLimit(quota, false);
    idempotency(token, setup);
    revocation();
    publishedScript(token, setup);
    notifications(token, setup, a, b);
    notifications(token, setup, b, a);
    flowTrace(token, runId, a, b);
    flowTrace(token, runId, b, a);
    out.println(
        failures == 0 ? "cluster checks: all passed" : "cluster checks: " + failures + " FAILED");
    return failures == 0;
  }

  boolean limitOnly(int quota, boolean perNode) {
    String token = http.token(a, admin.clientId(), admin.clientSecret());
    setLimit(token, quota);
    if (!perNode) backOnRedis(token);
    limitEverywhere(token, quota);
    rateLimit(quota, perNode);
    return failures == 0;
  }

  private void report(String check, boolean pass, String detail) {
    out.printf("%-34s %s  %s%n", check, pass ? "PASS" : "FAIL", detail);
    out.flush();
    if (!pass) failures++;
  }

  /**
   * After Redis returns, a node goes back to it with the first request that tries it (at most one
   * per {@code limits.redis-retry-millis}): one request a node every 100 ms until both say so in
   * {@code /metrics}.
   */
  private void backOnRedis(String token) {
    long started = System.nanoTime();
    var times = new ArrayList<String>();
    for (String node : List.of(a, b)) {
      long ms =
          waitFor(
              () -> {
                http.get(node + "/api/v2/tokens/me", token);
                return http.get(node + "/metrics", null);
              },
              r -> r.ok() && r.body().contains("switchboard_ratelimit_redis_available 1.0"),
              started);
      times.add(name(node) + " " + (ms < 0 ? "NOT back" : "after " + ms + " ms"));
      if (ms < 0) failures++;
    }
    out.println("back on Redis (/metrics): " + String.join(", ", times));
  }

  /** The nodes' fallbacks to local buckets so far ({@code /metrics}), summed. */
  private double fallbacks() {
    double sum = 0;
    for (String node : List.of(a, b)) {
      var r = http.get(node + "/metrics", null);
      if (!r.ok()) continue;
      for (String line : r.body().split("\n"))
        if (line.startsWith("switchboard_ratelimit_redis_fallbacks_total "))
          sum += Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
    }
    return sum;
  }

  /** A limit set through node A is what node B answers, and how soon. */
  private void limitChange(String token, int quota) {
    long sent = System.nanoTime();
    var put = setLimit(token, quota);
    long started = System.nanoTime();
    long putMs = (started - sent) / 1_000_000;
    long seenMs =
        waitFor(
            () -> http.get(b + LIMITS, token),
            r -> r.ok() && limitValue(r.json()) == quota,
            started);
    report(
        "limit change A -> B",
        put.ok() && seenMs >= 0,
        "PUT "
            + GROUP_KEY
            + "="
            + quota
            + " on A ("
            + put.status()
            + " in "
            + putMs
            + " ms); B answers it "
            + seenMs
            + " ms after that");
    limitEverywhere(token, quota);
  }

  /**
   * Waits until every node answers {@code quota} for the org's limit: each node keeps an org's
   * limits for up to 2 s, and the rate-limit check that follows must meet the new one on both.
   */
  private void limitEverywhere(String token, int quota) {
    long started = System.nanoTime();
    for (String node : List.of(a, b)) {
      long ms =
          waitFor(
              () -> http.get(node + LIMITS, token),
              r -> r.ok() && limitValue(r.json()) == quota,
              started);
      if (ms < 0) {
        failures++;
        out.println(name(node) + " still answers another limit than " + quota + " after 10 s");
      }
    }
  }

  private ClusterHttp.Answer setLimit(String token, int quota) {
    return http.send(
        "PUT",
        a + LIMITS,
        token,
        "{\"limits\":[{\"key\":\"" + GROUP_KEY + "\",\"value\":" + quota + "}]}");
  }

  private static long limitValue(JsonNode limits) {
    for (JsonNode l : limits.get("entities"))
      if (l.get("key").asString().equals(GROUP_KEY)) return l.get("value").asLong();
    return -1;
  }

  /**
   * 4x the quota of requests of one group, alternating between the nodes, 8 at a time, on a fresh
   * token (its own bucket, 300 a minute, is not what is measured). Shared buckets let through at
   * most the quota plus what refills meanwhile; per-node buckets up to twice that.
   */
  private void rateLimit(int quota, boolean perNode) {
    String token = http.token(a, admin.clientId(), admin.clientSecret());
    int requests = 4 * quota;
    var ok = new AtomicInteger[] {new AtomicInteger(), new AtomicInteger()};
    var refused = new AtomicInteger[] {new AtomicInteger(), new AtomicInteger()};
    var other = new ConcurrentHashMap<Integer, AtomicInteger>();
    var slots = new Semaphore(8);
    double fallbacksBefore = fallbacks();
    long started = System.nanoTime();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < requests; i++) {
        int node = i % 2;
        String base = node == 0 ? a : b;
        pool.submit(() -> {
          slots.acquireUninterruptibly();
          try {
            var r = http.get(base + "/api/v2/integrations?pageSize=1", token);
            if (r.ok()) ok[node].incrementAndGet();
            else if (r.status() == 429) refused[node].incrementAndGet();
            else other.computeIfAbsent(r.status(), s -> new AtomicInteger()).incrementAndGet();
          } finally {
            slots.release();
          }
        });
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    int fellBack = (int) (fallbacks() - fallbacksBefore);
    int refill = (int) Math.ceil(quota * seconds / 60.0);
    int passed = ok[0].get() + ok[1].get();
    int shared = quota + refill + 1;
    String detail =
        String.format(
            "%d requests in %.1f s, 2xx %d (A %d, B %d), 429 %d (A %d, B %d), other %s; quota"
                + " %d/min, + %d refilled: one shared limit allows <= %d, per-node limits <= %d",
            requests,
            seconds,
            passed,
            ok[0].get(),
            ok[1].get(),
            refused[0].get() + refused[1].get(),
            refused[0].get(),
            refused[1].get(),
            other,
            quota,
            refill,
            shared,
            2 * shared);
    boolean both = ok[0].get() > 0 && ok[1].get() > 0;
    if (fellBack > 0)
      detail +=
          "; the nodes fell back to local buckets "
              + fellBack
              + " time(s) during the run (Redis slower than limits.redis-timeout-millis)";
    if (perNode) {
      // Each node admits its own quota: more than one limit, never more than one per node.
      report(
          "rate limit per node (no Redis)",
          both && other.isEmpty() && passed > shared && passed <= 2 * shared,
          detail);
    } else {
      report(
          "rate limit shared (one org limit)",
          both && other.isEmpty() && passed >= quota && (passed <= shared || fellBack > 0),
          detail);
    }
  }

  /** One key, both nodes: one session. Then keys sent to both nodes at the same moment. */
  private void idempotency(String token, ClusterSetup setup) throws InterruptedException {
    String conversation = setup.conversationIds().get(0);
    String key = UUID.randomUUID().toString();
    var first = createSession(a, token, setup, conversation, key);
    var again = createSession(b, token, setup, conversation, key);
    boolean same = first.ok() && again.ok() && id(first).equals(id(again));
    int keys = 20;
    var statuses = new ConcurrentHashMap<Integer, AtomicInteger>();
    var idsByKey = new ConcurrentHashMap<String, java.util.Set<String>>();
    var tags = new ArrayList<String>();
    tags.add(key);
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int k = 0; k < keys; k++) {
        String kk = UUID.randomUUID().toString();
        tags.add(kk);
        for (String node : List.of(a, b)) {
          pool.submit(() -> {
            var r = createSession(node, token, setup, conversation, kk);
            statuses.computeIfAbsent(r.status(), s -> new AtomicInteger()).incrementAndGet();
            if (r.ok()) idsByKey.computeIfAbsent(kk, x -> ConcurrentHashMap.newKeySet()).add(id(r));
          });
        }
      }
    }
    // A key whose two tries both met the other one running (409) is sent again: the retry a client
    // makes; it must find the one result.
    for (String kk : tags.subList(1, tags.size())) {
      if (!idsByKey.containsKey(kk)) {
        var r = createSession(a, token, setup, conversation, kk);
        if (r.ok()) idsByKey.computeIfAbsent(kk, x -> ConcurrentHashMap.newKeySet()).add(id(r));
      }
    }
    Map<String, Integer> stored = new HashMap<>();
    for (JsonNode s : sessionsOf(token, conversation)) {
      JsonNode tag = s.path("data").path("tag");
      if (!tag.isMissingNode() && !tag.isNull()) stored.merge(tag.asString(), 1, Integer::sum);
    }
    int doubles = 0;
    int missing = 0;
    for (String t : tags) {
      int n = stored.getOrDefault(t, 0);
      if (n > 1) doubles++;
      if (n == 0) missing++;
    }
    boolean oneIdPerKey = idsByKey.values().stream().allMatch(s -> s.size() == 1);
    report(
        "idempotency key across nodes",
        same && oneIdPerKey && doubles == 0 && missing == 0 && idsByKey.size() == keys,
        "key on A then B: "
            + (same ? "same session" : "DIFFERENT (" + first.status() + "/" + again.status() + ")")
            + "; "
            + keys
            + " keys sent to A and B at once: answers "
            + statuses
            + ", sessions stored per key: "
            + (tags.size() - doubles - missing)
            + " once, "
            + doubles
            + " twice or more, "
            + missing
            + " missing");
  }

  private ClusterHttp.Answer createSession(
      String node, String token, ClusterSetup setup, String conversation, String key) {
    String body =
        "{\"scriptId\":\""
            + setup.scriptId()
            + "\",\"conversationId\":\""
            + conversation
            + "\",\"agentId\":\""
            + setup.agentId()
            + "\",\"data\":{\"tag\":\""
            + key
            + "\"}}";
    return http.send("POST", node + SESSIONS, token, body, "Idempotency-Key", key);
  }

  private static String id(ClusterHttp.Answer r) {
    return r.json().get("id").asString();
  }

  private List<JsonNode> sessionsOf(String token, String conversation) {
    var all = new ArrayList<JsonNode>();
    for (int page = 1; page <= 20; page++) {
      var r =
          http.get(
              a + SESSIONS + "?conversationId=" + conversation + "&pageSize=100&pageNumber=" + page,
              token);
      if (!r.ok())
        throw new IllegalStateException("listing sessions: " + r.status() + " " + r.body());
      JsonNode entities = r.json().get("entities");
      entities.forEach(all::add);
      if (entities.size() < 100) break;
    }
    return all;
  }

  /** A token revoked through node A is refused by node B, and how soon. */
  private void revocation() {
    String token = http.token(a, admin.clientId(), admin.clientSecret());
    var before = http.get(b + "/api/v2/tokens/me", token);
    long started = System.nanoTime();
    var revoke = http.send("DELETE", a + "/api/v2/tokens/me", token, null);
    var onA = http.get(a + "/api/v2/tokens/me", token);
    long seenMs =
        waitFor(() -> http.get(b + "/api/v2/tokens/me", token), r -> r.status() == 401, started);
    report(
        "token revocation A -> B",
        before.ok() && revoke.ok() && onA.status() == 401 && seenMs >= 0,
        "B accepted it before ("
            + before.status()
            + "); DELETE on A "
            + revoke.status()
            + "; A refuses it at once ("
            + onA.status()
            + "); B refuses it after "
            + seenMs
            + " ms");
  }

  /** A new published version through node A is what node B serves, and how soon. */
  private void publishedScript(String token, ClusterSetup setup) {
    String path = "/api/v2/scripts/published/" + setup.scriptId();
    var onA = http.get(a + path, token);
    var onB = http.get(b + path, token);
    String before = onB.header("ETag");
    long started = System.nanoTime();
    var publish =
        http.send(
            "POST",
            a + "/api/v2/scripts/published",
            token,
            "{\"scriptId\":\"" + setup.scriptId() + "\"}");
    String after = http.get(a + path, token).header("ETag");
    long seenMs =
        waitFor(
            () -> http.get(b + path, token),
            r -> r.ok() && after.equals(r.header("ETag")),
            started);
    report(
        "published script A -> B",
        onA.ok() && onB.ok() && publish.ok() && !after.equals(before) && seenMs >= 0,
        "B served "
            + before
            + "; published again on A ("
            + publish.status()
            + ") -> "
            + after
            + "; B serves it after "
            + seenMs
            + " ms");
  }

  /** A socket on node {@code on} hears a session write made through node {@code by}. */
  private void notifications(String token, ClusterSetup setup, String on, String by)
      throws InterruptedException {
    String conversation = setup.conversationIds().get(0);
    var created = createSession(by, token, setup, conversation, UUID.randomUUID().toString());
    String sessionId = id(created);
    String topic = "v2.agent-scripting.sessions." + sessionId;
    try (var client = client(on);
        var channel = NotificationsClient.open(client, List.of(topic))) {
      int seq = 4242;
      long started = System.nanoTime();
      var patch =
          http.send(
              "PATCH", by + SESSIONS + "/" + sessionId, token, "{\"data\":{\"seq\":" + seq + "}}");
      NotificationEvent event = null;
      long deadline = System.nanoTime() + VISIBLE_WITHIN.toNanos();
      while (System.nanoTime() < deadline) {
        var e = channel.next(Duration.ofMillis(250));
        if (e != null
            && e.topicName().equals(topic)
            && e.eventBody().path("data").path("seq").asInt() == seq) {
          event = e;
          break;
        }
      }
      long ms = (System.nanoTime() - started) / 1_000_000;
      report(
          "notification " + name(by) + " -> socket on " + name(on),
          patch.ok() && event != null,
          "session patched on "
              + name(by)
              + " ("
              + patch.status()
              + "); the socket on "
              + name(on)
              + (event != null
                  ? " got the event after " + ms + " ms"
                  : " got NOTHING in " + ms + " ms"));
    }
  }

  /** A flow launched on one node: its execution and trace read from the other. */
  private void flowTrace(String token, String runId, String launchOn, String readOn) {
    String name = "cluster " + runId + " " + name(launchOn);
    var flow =
        http.send(
            "POST",
            launchOn + "/api/v2/flows",
            token,
            "{\"name\":\"" + name + "\",\"type\":\"WORKFLOW\"}");
    String flowId = flow.json().get("id").asString();
    String yaml =
        """
        workflow:
          name: %s
          startUpRef: "/workflow/tasks/task[t]"
          variables:
            - stringVariable:
                name: Flow.node
                initialValue:
                  lit: %s
                isOutput: true
          tasks:
            - task:
                name: T
                refId: t
                actions:
                  - endWorkflow:
                      name: End
        """
            .formatted(name, name(launchOn));
    var save =
        http.sendYaml(launchOn + "/api/v2/flows/" + flowId + "/latestconfiguration", token, yaml);
    var publish =
        http.send("POST", launchOn + "/api/v2/flows/actions/publish?flow=" + flowId, token, null);
    long started = System.nanoTime();
    var launch =
        http.send(
            "POST",
            launchOn + "/api/v2/flows/executions",
            token,
            "{\"flowId\":\"" + flowId + "\"}");
    String execution = launch.ok() ? launch.json().get("id").asString() : "none";
    var last = new ClusterHttp.Answer[1];
    long seenMs =
        waitFor(
            () -> last[0] = http.get(readOn + "/api/v2/flows/executions/" + execution, token),
            r -> r.ok() && !r.json().path("status").asString().equals("RUNNING"),
            started);
    JsonNode exec = last[0] != null && last[0].ok() ? last[0].json() : null;
    boolean traced =
        exec != null
            && exec.path("status").asString().equals("COMPLETED")
            && exec.has("trace")
            && exec.path("outputData").path("Flow.node").asString().equals(name(launchOn));
    report(
        "flow trace " + name(launchOn) + " -> read on " + name(readOn),
        save.ok() && publish.ok() && launch.ok() && seenMs >= 0 && traced,
        "launched on "
            + name(launchOn)
            + " ("
            + launch.status()
            + "); "
            + name(readOn)
            + " reads it "
            + (exec == null ? "NOT" : exec.path("status").asString())
            + " with trace "
            + (exec == null ? "-" : exec.path("trace").toString())
            + " after "
            + seenMs
            + " ms");
  }

  private String name(String node) {
    return node.equals(a) ? "A" : node.equals(b) ? "B" : node;
  }

  private SwitchboardClient client(String base) {
    return SwitchboardClient.builder()
        .baseUrl(base)
        .clientCredentials(admin.clientId(), admin.clientSecret())
        .deadline(Duration.ofSeconds(30))
        .build();
  }

  /**
   * Polls every 20 ms until the answer matches: ms since {@code startedNanos}, or -1 after 10 s.
   */
  private static long waitFor(
      Supplier<ClusterHttp.Answer> probe, Predicate<ClusterHttp.Answer> done, long startedNanos) {
    var poll =
        RetryPolicy.<ClusterHttp.Answer>builder()
            .handleResultIf(r -> !done.test(r))
            .withDelay(Duration.ofMillis(20))
            .withMaxRetries(-1)
            .withMaxDuration(VISIBLE_WITHIN)
            .build();
    var last = Failsafe.with(poll).get(probe::get);
    return done.test(last) ? (System.nanoTime() - startedNanos) / 1_000_000 : -1;
  }
}
