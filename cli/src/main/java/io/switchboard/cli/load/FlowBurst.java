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
 * at once into the naive flow, then N into the resilient one; each call's flow looks the caller's
 * tier up in the demo CRM and reads that tier's script from Switchboard's own API. Per flow it
 * reports the share of calls whose flow chose the right script (the tier's, as the CRM says) within
 * the flow's deadline, the share routed to the default queue (failure, timeout or deadline route),
 * the flows' own durations (from their traces, HdrHistogram) and the requests the data action sent
 * to Switchboard's script endpoint and the 429s it got (from the server's {@code /metrics}, or from
 * the traces when {@code /metrics} cannot be read).
 */
final class FlowBurst {
  static final String NAIVE = "Personalised script (naive)";
  static final String RESILIENT = "Personalised script";
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
    // A launch and a handful of polls per call, spread so no token of ours is throttled.
    int tokens = Math.max(1, (calls * 8 + REQUESTS_PER_TOKEN - 1) / REQUESTS_PER_TOKEN);
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
      Map<String, Integer> other) {}

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
        if (!f.other.isEmpty())
          sb.append(String.format("%-34s %s%n", "other (" + f.flow + ")", f.other));
      return sb.toString();
    }
  }

  /** Finds both flows, learns each caller's tier, warms up, then bursts naive and resilient. */
  Report run(int calls, PrintStream progress) throws InterruptedException {
    String naiveId = flowId(NAIVE);
    String resilientId = flowId(RESILIENT);
    var anis = new ArrayList<String>();
    for (int i = 0; i < calls; i++) anis.add(String.format("+659%07d", i));
    Map<String, String> expected = expectedScripts(anis);
    // Not measured: the first call of a fresh server pays for tokens, compiled mappings,
    // connections.
    for (String flow : List.of(naiveId, resilientId))
      awaitCall(
          placeCall(clients.get(0), flow, "+6580000000"), System.nanoTime() + maxTime.toNanos());
    var results = new ArrayList<FlowResult>();
    results.add(burst("naive", naiveId, anis, expected, progress));
    results.add(burst("resilient", resilientId, anis, expected, progress));
    return new Report(calls, List.copyOf(results));
  }

  private String flowId(String name) {
    JsonNode page =
        clients
            .get(0)
            .callForTree(
                ApiRequest.get(
                    "/api/v2/flows?type=INBOUNDCALL&pageSize=100&name="
                        + URLEncoder.encode(name, StandardCharsets.UTF_8)));
    for (JsonNode f : page.path("entities")) {
      if (f.path("name").asString("").equals(name) && f.hasNonNull("publishedVersion"))
        return f.get("id").asString();
    }
    throw new IllegalStateException(
        "the org has no published flow named '"
            + name
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

  /**
   * Places one inbound call into {@code flowId} and answers its execution id. Today: a simulated
   * call through {@code POST /api/v2/flows/executions} with {@code Call.Ani}; once IVRs exist, the
   * call is created on the demo IVR's DNIS instead, here and only here.
   */
  String placeCall(SwitchboardClient c, String flowId, String ani) {
    ObjectNode body = json.createObjectNode();
    body.put("flowId", flowId);
    body.putObject("inputData").put("Call.Ani", ani).put("Call.CalledAddress", "+6560000000");
    return c.callForTree(ApiRequest.post("/api/v2/flows/executions", body)).get("id").asString();
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
      String flowId,
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
                  String id;
                  inFlight.acquire();
                  try {
                    id = placeCall(c, flowId, ani);
                  } finally {
                    inFlight.release();
                  }
                  JsonNode e = awaitCall(id, giveUp);
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
        others);
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
