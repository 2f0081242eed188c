package io.switchboard.cli.load;

import io.switchboard.client.ApiRequest;
import io.switchboard.client.SwitchboardClient;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.ConcurrentHistogram;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code load burst --through-flow}: S1 replayed through the demo flows. N inbound calls are placed
 * at once on the number of the demo IVR of the naive flow, then N on the resilient one's (each
 * call's execution found through the call, and the calls disconnected once measured); each call's
 * flow looks the caller's tier up in the demo CRM and reads that tier's script from Switchboard's
 * own API. Per flow it reports the share of calls whose flow chose the right script (the tier's, as
 * the CRM says) within the flow's deadline, the share routed to the default queue (failure, timeout
 * or deadline route), the flows' own durations (from their traces, HdrHistogram) and the requests
 * the data action sent to Switchboard's script endpoint and the 429s it got (from the server's
 * {@code /metrics}, or from the traces when {@code /metrics} cannot be read).
 */
final class FlowBurst {
  static final String NAIVE = "Personalised script (naive)";
  static final String RESILIENT = "Personalised script";

  /** The demo IVRs whose numbers (DNIS) the calls are placed on, found by name. */
  static final String NAIVE_IVR = "Demo IVR (naive)";

  static final String RESILIENT_IVR = "Demo IVR";
  static final String SCRIPT_ROUTE = "/api/v2/scripts/published";
  static final int REQUESTS_PER_TOKEN = 250;
  private static final int PARALLEL_SETUP = 16;
  private static final Pattern METRIC =
      Pattern.compile(
          "http_server_requests_seconds_count\\{method=\"GET\",route=\""
              + Pattern.quote(SCRIPT_ROUTE)
              + "\",status=\"([0-9]+)\"} ([0-9.E]+)");

  private final String baseUrl;
  private final Fixture.Credentials admin;
  private final List<SwitchboardClient> clients = new ArrayList<>();
  private final HttpClient http;
  private final JsonMapper json = JsonMapper.builder().build();
  private final Duration maxTime;

  /**
   * This tool's own requests in flight at once: the calls are placed together, but a launch is one
   * short request, so 500 launches still take well under a second, and the client machine does not
   * open hundreds of connections (what is measured is the flows, from their traces).
   */
  static final int MAX_IN_FLIGHT = 64;

  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

  FlowBurst(
      String baseUrl, Fixture.Credentials admin, int calls, Duration maxTime, HttpClient http) {
    this.baseUrl = baseUrl;
    this.admin = admin;
    this.http = http;
    this.maxTime = maxTime;
    // Placing the call, finding its execution, a handful of polls, the disconnect and its check
    // per call, spread so no token of ours is throttled.
    int tokens = Math.max(1, (calls * 12 + REQUESTS_PER_TOKEN - 1) / REQUESTS_PER_TOKEN);
    for (int i = 0; i < tokens; i++)
      clients.add(
          SwitchboardClient.builder()
              .baseUrl(baseUrl)
              .clientCredentials(admin.clientId(), admin.clientSecret())
              .deadline(Duration.ofSeconds(30))
              // The tool measures the flows, not itself: its own requests are not cut off by a
              // breaker of its own.
              .circuitBreaker(io.switchboard.client.CircuitBreakerSettings.disabled())
              .httpClient(http)
              .build());
  }

  /** One flow's numbers, in the shape {@code --json} prints. */
  record FlowResult(
      String flow,
      int calls,
      int rightScript,
      double rightScriptRate,
      int defaultRouted,
      double defaultRoutedRate,
      double p50Ms,
      double p95Ms,
      double p99Ms,
      double maxMs,
      long upstreamRequests,
      long upstream429s,
      String upstreamSource,
      Map<String, Integer> defaultRoutedBy,
      Map<String, Integer> other,
      String dnis,
      int disconnected,
      Map<String, Integer> routingAfterDisconnect) {}

  record Report(int calls, List<FlowResult> flows) {
    String table() {
      var sb = new StringBuilder();
      FlowResult n = flows.get(0);
      FlowResult r = flows.get(1);
      sb.append(
          String.format(
              "%-34s %14s %14s%n", "calls placed at once: " + calls, "naive", "resilient"));
      sb.append(
          String.format(
              "%-34s %13.1f%% %13.1f%%%n",
              "right script within the deadline",
              n.rightScriptRate * 100,
              r.rightScriptRate * 100));
      sb.append(
          String.format(
              "%-34s %13.1f%% %13.1f%%%n",
              "default-routed (General)", n.defaultRoutedRate * 100, r.defaultRoutedRate * 100));
      sb.append(String.format("%-34s %14.1f %14.1f%n", "flow p50 ms", n.p50Ms, r.p50Ms));
      sb.append(String.format("%-34s %14.1f %14.1f%n", "flow p95 ms", n.p95Ms, r.p95Ms));
      sb.append(String.format("%-34s %14.1f %14.1f%n", "flow p99 ms", n.p99Ms, r.p99Ms));
      sb.append(String.format("%-34s %14.1f %14.1f%n", "flow max ms", n.maxMs, r.maxMs));
      sb.append(
          String.format(
              "%-34s %14d %14d%n",
              "upstream requests (script reads)", n.upstreamRequests, r.upstreamRequests));
      sb.append(
          String.format("%-34s %14d %14d%n", "upstream 429s", n.upstream429s, r.upstream429s));
      for (FlowResult f : flows)
        f.defaultRoutedBy.forEach(
            (k, v) -> sb.append(String.format("  %-32s %s%n", f.flow + ": " + k, v)));
      for (FlowResult f : flows)
        sb.append(
            String.format(
                "  %-32s %s%n",
                f.flow + ": on " + f.dnis + ", disconnected " + f.disconnected,
                f.routingAfterDisconnect));
      for (FlowResult f : flows)
        if (!f.other.isEmpty())
          sb.append(String.format("%-34s %s%n", "other (" + f.flow + ")", f.other));
      return sb.toString();
    }
  }

  /**
   * Finds both IVRs, learns each caller's tier, warms up, then bursts naive and resilient: each
   * call is placed on the flow's IVR number, and disconnected once the burst is measured.
   */
  Report run(int calls, PrintStream progress) throws InterruptedException {
    String naiveDnis = dnis(NAIVE_IVR, NAIVE);
    String resilientDnis = dnis(RESILIENT_IVR, RESILIENT);
    var anis = new ArrayList<String>();
    for (int i = 0; i < calls; i++) anis.add(String.format("+659%07d", i));
    Map<String, String> expected = expectedScripts(anis);
    // Not measured: the first call of a fresh server pays for tokens, compiled mappings,
    // connections.
    var warmUp = new ConcurrentLinkedQueue<String>();
    for (String dnis : List.of(naiveDnis, resilientDnis)) {
      Placed p =
          placeCall(clients.get(0), dnis, "+6580000000", System.nanoTime() + maxTime.toNanos());
      warmUp.add(p.conversationId());
      awaitCall(p.executionId(), System.nanoTime() + maxTime.toNanos());
    }
    hangUp(warmUp);
    var results = new ArrayList<FlowResult>();
    results.add(burst("naive", naiveDnis, anis, expected, progress));
    results.add(burst("resilient", resilientDnis, anis, expected, progress));
    return new Report(calls, List.copyOf(results));
  }

  /**
   * The number of the org's IVR {@code ivrName}, which must run the published flow {@code flow}.
   */
  private String dnis(String ivrName, String flow) {
    JsonNode page =
        clients
            .get(0)
            .callForTree(
                ApiRequest.get(
                    "/api/v2/architect/ivrs?pageSize=100&name="
                        + URLEncoder.encode(ivrName, StandardCharsets.UTF_8)));
    for (JsonNode ivr : page.path("entities")) {
      if (!ivr.path("name").asString("").equals(ivrName)) continue;
      String runs = ivr.path("openHoursFlow").path("name").asString("");
      if (!runs.equals(flow) || ivr.path("dnis").isEmpty())
        throw new IllegalStateException(
            "the IVR '" + ivrName + "' should answer a number with the flow '" + flow + "'");
      return ivr.path("dnis").get(0).asString();
    }
    throw new IllegalStateException(
        "the org has no IVR named '"
            + ivrName
            + "': run against a server started with serve --demo (its acme or globex admin client),"
            + " or use --local");
  }

  /** Each caller's script as the demo CRM's tier says (asked once per caller, before the burst). */
  private Map<String, String> expectedScripts(List<String> anis) throws InterruptedException {
    String token;
    try {
      token = adminToken();
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("no token for the CRM look-ups: " + e.getMessage(), e);
    }
    var out = new ConcurrentHashMap<String, String>();
    var slots = new Semaphore(PARALLEL_SETUP);
    var failed = new AtomicInteger();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < anis.size(); i++) {
        String ani = anis.get(i);
        pool.submit(() -> {
          slots.acquireUninterruptibly();
          try {
            // The CRM wants a valid bearer token of the server; it is not under /api/v2 (no quota).
            var r =
                http.send(
                    HttpRequest.newBuilder(
                            URI.create(
                                baseUrl
                                    + "/demo/crm/customers/"
                                    + URLEncoder.encode(ani, StandardCharsets.UTF_8)))
                        .header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200)
              throw new IllegalStateException("CRM answered " + r.statusCode());
            String tier = json.readTree(r.body()).path("customer").path("tier").asString();
            out.put(ani, "Demo: " + tier + " customers");
          } catch (Exception e) {
            failed.incrementAndGet();
          } finally {
            slots.release();
          }
        });
      }
    }
    if (failed.get() > 0)
      throw new IllegalStateException(
          failed.get()
              + " callers could not be looked up in the demo CRM (/demo/crm): is the server in"
              + " demo mode?");
    return out;
  }

  /** A plain access token of the admin client (the CRM checks a bearer token, not scopes). */
  private String adminToken() throws Exception {
    String basic =
        java.util.Base64.getEncoder()
            .encodeToString(
                (admin.clientId() + ":" + admin.clientSecret()).getBytes(StandardCharsets.UTF_8));
    var r =
        http.send(
            HttpRequest.newBuilder(URI.create(baseUrl + "/oauth/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200)
      throw new IllegalStateException("POST /oauth/token answered " + r.statusCode());
    return json.readTree(r.body()).path("access_token").asString();
  }

  /** A call placed on an IVR's number, and the flow execution it started. */
  record Placed(String conversationId, String executionId) {}

  /**
   * Places one inbound call from {@code ani} on the IVR number {@code dnis} ({@code POST
   * /api/v2/conversations/calls}) and finds the flow execution it started through {@code GET
   * /api/v2/conversations/{id}/flowexecutions} (polled until {@code giveUpNanos}; the link commits
   * with the call, so the first look finds it).
   */
  Placed placeCall(SwitchboardClient c, String dnis, String ani, long giveUpNanos)
      throws InterruptedException {
    ObjectNode body = json.createObjectNode();
    body.put("from", ani);
    body.put("to", dnis);
    String id =
        c.callForTree(ApiRequest.post("/api/v2/conversations/calls", body)).get("id").asString();
    long wait = 50;
    while (true) {
      JsonNode runs =
          c.callForTree(ApiRequest.get("/api/v2/conversations/" + id + "/flowexecutions"))
              .path("entities");
      if (!runs.isEmpty()) return new Placed(id, runs.get(0).get("id").asString());
      if (System.nanoTime() > giveUpNanos)
        throw new IllegalStateException("call " + id + " on " + dnis + " started no flow");
      TimeUnit.MILLISECONDS.sleep(wait);
      wait = Math.min(1000, wait * 2);
    }
  }

  /** How long the calls placed are given to be disconnected, all together. */
  static final Duration HANG_UP_BOUND = Duration.ofSeconds(60);

  /**
   * Disconnects the calls (at most {@link #MAX_IN_FLIGHT} at once, within {@link #HANG_UP_BOUND}),
   * so the server is not left with calls waiting in its queues; answers how many were disconnected.
   */
  int hangUp(java.util.Collection<String> conversationIds) throws InterruptedException {
    var done = new AtomicInteger();
    var pool = Executors.newVirtualThreadPerTaskExecutor();
    int i = 0;
    for (String id : conversationIds) {
      SwitchboardClient c = clients.get(i++ % clients.size());
      pool.submit(() -> {
        try {
          inFlight.acquire();
          try {
            c.send(ApiRequest.post("/api/v2/conversations/" + id + "/disconnect", null));
            done.incrementAndGet();
          } finally {
            inFlight.release();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          // Counted as not disconnected.
        }
        return null;
      });
    }
    pool.shutdown();
    if (!pool.awaitTermination(HANG_UP_BOUND.toSeconds(), TimeUnit.SECONDS)) pool.shutdownNow();
    return done.get();
  }

  /**
   * What routing made of each call once disconnected ({@code abandoned} for one that waited in a
   * queue, {@code connected} for one an agent took), from its execution's {@code routing.result}.
   */
  Map<String, Integer> routingResults(java.util.Collection<String> conversationIds)
      throws InterruptedException {
    var counts = new ConcurrentHashMap<String, LongAdder>();
    var pool = Executors.newVirtualThreadPerTaskExecutor();
    int i = 0;
    for (String id : conversationIds) {
      SwitchboardClient c = clients.get(i++ % clients.size());
      pool.submit(() -> {
        try {
          inFlight.acquire();
          try {
            JsonNode runs =
                c.callForTree(ApiRequest.get("/api/v2/conversations/" + id + "/flowexecutions"))
                    .path("entities");
            count(
                counts,
                runs.isEmpty() ? "none" : runs.get(0).path("routing").path("result").asString("?"));
          } finally {
            inFlight.release();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          count(counts, "unread");
        }
        return null;
      });
    }
    pool.shutdown();
    if (!pool.awaitTermination(HANG_UP_BOUND.toSeconds(), TimeUnit.SECONDS)) pool.shutdownNow();
    var out = new TreeMap<String, Integer>();
    counts.forEach((k, v) -> out.put(k, v.intValue()));
    return out;
  }

  /**
   * Polls the execution until it is no longer RUNNING or {@code giveUpNanos} passes (then null).
   */
  JsonNode awaitCall(String executionId, long giveUpNanos) throws InterruptedException {
    SwitchboardClient c = clients.get(Math.floorMod(executionId.hashCode(), clients.size()));
    long wait = 200;
    while (System.nanoTime() < giveUpNanos) {
      TimeUnit.MILLISECONDS.sleep(wait);
      JsonNode e;
      inFlight.acquire();
      try {
        e = c.callForTree(ApiRequest.get("/api/v2/flows/executions/" + executionId));
      } finally {
        inFlight.release();
      }
      if (!"RUNNING".equals(e.path("status").asString(""))) return e;
      wait = Math.min(2000, wait * 3 / 2);
    }
    return null;
  }

  private FlowResult burst(
      String label,
      String dnis,
      List<String> anis,
      Map<String, String> expected,
      PrintStream progress)
      throws InterruptedException {
    long[] before = upstreamCounts();
    var durations = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(30), 3);
    var right = new AtomicInteger();
    var fallback = new AtomicInteger();
    var done = new AtomicInteger();
    var traceRequests = new LongAdder();
    var trace429s = new LongAdder();
    var other = new ConcurrentHashMap<String, LongAdder>();
    var why = new ConcurrentHashMap<String, LongAdder>();
    var placed = new ConcurrentLinkedQueue<String>();
    var go = new CountDownLatch(1);
    var finished = new CountDownLatch(anis.size());
    long giveUp = System.nanoTime() + maxTime.toNanos();
    var threads = new ArrayList<Thread>();
    for (int i = 0; i < anis.size(); i++) {
      String ani = anis.get(i);
      SwitchboardClient c = clients.get(i % clients.size());
      threads.add(
          Thread.ofVirtual()
              .name("call-" + i)
              .start(() -> {
                try {
                  go.await();
                  Placed call;
                  inFlight.acquire();
                  try {
                    call = placeCall(c, dnis, ani, giveUp);
                  } finally {
                    inFlight.release();
                  }
                  placed.add(call.conversationId());
                  JsonNode e = awaitCall(call.executionId(), giveUp);
                  if (e == null) {
                    count(other, "run.timeout");
                    return;
                  }
                  JsonNode trace = e.path("trace");
                  durations.recordValue(Math.max(1, trace.path("durationMs").asLong() * 1000));
                  for (JsonNode a : trace.path("actions")) {
                    JsonNode da = a.path("dataAction");
                    if (!da.path("name").asString("").startsWith("Personalised script")) continue;
                    traceRequests.add(da.path("attempts").asInt());
                    // A cache hit or a joined call sent nothing itself.
                    if (da.path("attempts").asInt() > 0 && da.path("status").asInt() == 429)
                      trace429s.increment();
                  }
                  String queue = trace.path("transferQueue").asString("");
                  String script = trace.path("screenPop").path("scriptName").asString("");
                  if (queue.equals("Support")
                      && "completed".equals(e.path("outcome").asString())
                      && script.equals(expected.get(ani))) right.incrementAndGet();
                  else if (queue.equals("General")) {
                    fallback.incrementAndGet();
                    count(why, reason(trace, e));
                  } else count(other, "wrong.script");
                } catch (InterruptedException ie) {
                  Thread.currentThread().interrupt();
                  count(other, "run.timeout");
                } catch (io.switchboard.client.ApiException ex) {
                  count(other, "launch.failed: " + ex.status() + " " + ex.code());
                } catch (RuntimeException ex) {
                  count(other, "launch.failed: " + ex.getClass().getSimpleName());
                } finally {
                  done.incrementAndGet();
                  finished.countDown();
                }
              }));
    }
    long start = System.nanoTime();
    go.countDown();
    while (!finished.await(1, TimeUnit.SECONDS)) {
      progress(progress, label, done.get(), anis.size(), right.get(), start);
      if (System.nanoTime() > giveUp + TimeUnit.SECONDS.toNanos(5)) {
        threads.forEach(Thread::interrupt);
        finished.await(5, TimeUnit.SECONDS);
        break;
      }
    }
    progress(progress, label, done.get(), anis.size(), right.get(), start);
    if (progress != null) progress.println();
    long[] after = upstreamCounts();
    // Measured: the calls (queued for the agents, or waiting with none) are ended now.
    int disconnected = hangUp(placed);
    Map<String, Integer> routed = routingResults(placed);
    boolean fromMetrics = before != null && after != null;
    int n = anis.size();
    var others = new TreeMap<String, Integer>();
    other.forEach((k, v) -> others.put(k, v.intValue()));
    var reasons = new TreeMap<String, Integer>();
    why.forEach((k, v) -> reasons.put(k, v.intValue()));
    return new FlowResult(
        label,
        n,
        right.get(),
        rate(right.get(), n),
        fallback.get(),
        rate(fallback.get(), n),
        ms(durations.getValueAtPercentile(50)),
        ms(durations.getValueAtPercentile(95)),
        ms(durations.getValueAtPercentile(99)),
        ms(durations.getMaxValue()),
        fromMetrics ? after[0] - before[0] : traceRequests.sum(),
        fromMetrics ? after[1] - before[1] : trace429s.sum(),
        fromMetrics ? "metrics" : "traces",
        reasons,
        others,
        dnis,
        disconnected,
        routed);
  }

  /**
   * Why a call went to the default queue: the deadline, or the last data action that did not
   * succeed and how (its engine error kind: timeout, http 429, circuit-open, ...).
   */
  static String reason(JsonNode trace, JsonNode execution) {
    if ("deadline".equals(execution.path("outcome").asString(""))) return "deadline";
    String why = execution.path("outcome").asString("unknown");
    for (JsonNode a : trace.path("actions")) {
      if (!"callData".equals(a.path("type").asString(""))) continue;
      String outcome = a.path("outcome").asString("");
      if (outcome.equals("success")) continue;
      JsonNode da = a.path("dataAction");
      String kind = da.path("error").asString(outcome);
      if (da.has("status")) kind = kind + " " + da.path("status").asInt();
      why = a.path("name").asString("") + ": " + kind;
    }
    return why;
  }

  private static void count(Map<String, LongAdder> m, String key) {
    m.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  /**
   * Answers to {@code GET /api/v2/scripts/published} so far (all, 429s) from the server's {@code
   * /metrics}; null when it cannot be read (a metrics token, another path).
   */
  private long[] upstreamCounts() {
    try {
      long[] previous = null;
      for (int i = 0; i < 20; i++) {
        var r =
            http.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/metrics"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) return null;
        long all = 0;
        long throttled = 0;
        Matcher m = METRIC.matcher(r.body());
        while (m.find()) {
          long v = (long) Double.parseDouble(m.group(2));
          all += v;
          if (m.group(1).equals("429")) throttled += v;
        }
        long[] now = {all, throttled};
        // A request is counted just after its answer: read until two readings agree.
        if (previous != null && previous[0] == now[0] && previous[1] == now[1]) return now;
        previous = now;
        TimeUnit.MILLISECONDS.sleep(50);
      }
      return previous;
    } catch (Exception e) {
      return null;
    }
  }

  private static double rate(int part, int whole) {
    return whole == 0 ? 0 : Math.round(10_000.0 * part / whole) / 10_000.0;
  }

  private static double ms(long micros) {
    return Math.round(micros / 100.0) / 10.0;
  }

  private static void progress(
      PrintStream out, String label, int done, int calls, int right, long start) {
    if (out == null) return;
    out.printf(
        "\rburst through the %s flow: %d/%d calls done, %d right script, %.1f s   ",
        label, done, calls, right, (System.nanoTime() - start) / 1e9);
    out.flush();
  }

  void close() {
    clients.forEach(SwitchboardClient::close);
  }
}
