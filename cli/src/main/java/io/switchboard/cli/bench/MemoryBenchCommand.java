package io.switchboard.cli.bench;

import io.switchboard.cli.load.BurstCommand;
import io.switchboard.client.ApiRequest;
import io.switchboard.client.ConversationsApi.NewCall;
import io.switchboard.client.OAuthClientsApi.NewOAuthClient;
import io.switchboard.client.ScriptsApi;
import io.switchboard.client.ScriptsApi.ScriptDraft;
import io.switchboard.client.SessionsApi;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.client.UsersApi.NewUser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 14's memory benchmark: a {@code serve --demo} process with a bounded heap ({@code
 * -Xmx512m}), N active script sessions and M open notification sockets (each subscribed to one
 * session's topic); the heap in use after a forced GC ({@code jcmd GC.run}, {@code jstat -gc});
 * then the S1 burst ({@code load burst}) and S1 through the flows ({@code load burst
 * --through-flow}) against the same process with the sockets still open, and whether it came
 * through without an {@code OutOfMemoryError} or a 5xx. Everything on loopback, bounded in count
 * and time.
 */
@Command(
    name = "memory",
    mixinStandardHelpOptions = true,
    description =
        "Heap after GC of a serve --demo process (-Xmx512m) holding N active sessions and M"
            + " notification sockets; then the S1 burst and S1 through the flows against it.")
public final class MemoryBenchCommand implements Callable<Integer> {
  static final int MAX_SESSIONS = 100_000;
  static final int MAX_SOCKETS = 5_000;
  private static final int PARALLEL = 16;
  private static final int CHANNELS_PER_CLIENT = 20;

  @Option(
      names = "--sessions",
      defaultValue = "10000",
      description = "Active script sessions (default ${DEFAULT-VALUE}, at most 100000).")
  int sessions;

  @Option(
      names = "--sockets",
      defaultValue = "1000",
      description = "Open notification sockets (default ${DEFAULT-VALUE}, at most 5000).")
  int sockets;

  @Option(
      names = "--heap-limit-mb",
      defaultValue = "256",
      description = "The heap after GC that passes (default ${DEFAULT-VALUE}).")
  long heapLimitMb;

  @Option(
      names = "--jvm-option",
      paramLabel = "OPT",
      description = "Options of the server's JVM (default -Xmx512m).")
  List<String> jvmOptions = new ArrayList<>(List.of("-Xmx512m"));

  @Option(
      names = "--pg",
      paramLabel = "JDBC_URL",
      description =
          "Run the server on this PostgreSQL (a fresh schema, dropped afterwards) instead of the"
              + " embedded H2.")
  String pg;

  @Option(names = "--no-burst", description = "Measure the heap only.")
  boolean noBurst;

  @Option(
      names = "--burst-agents",
      defaultValue = "500",
      description = "Agents of the S1 burst and calls per flow of --through-flow (default 500).")
  int burstAgents;

  @Option(
      names = "--histogram",
      defaultValue = "0",
      description = "Print the top N classes of jcmd GC.class_histogram at each heap reading.")
  int histogram;

  private final JsonMapper json = JsonMapper.builder().build();

  @Override
  public Integer call() throws Exception {
    if (sessions < 0 || sessions > MAX_SESSIONS || sockets < 0 || sockets > MAX_SOCKETS) {
      System.err.println("--sessions 0.." + MAX_SESSIONS + ", --sockets 0.." + MAX_SOCKETS);
      return 2;
    }
    Path dir = Files.createTempDirectory("switchboard-memory");
    var jvm = new ArrayList<>(jvmOptions);
    jvm.add("-XX:+HeapDumpOnOutOfMemoryError");
    jvm.add("-XX:HeapDumpPath=" + dir.resolve("oom.hprof"));
    System.out.println("server JVM: " + String.join(" ", jvm) + "; data " + dir);
    System.out.println("load average before: " + ServerProcess.loadAverage());
    try (var server =
        ServerProcess.start(
            jvm,
            dir,
            pg,
            List.of("--demo"),
            Map.of("SWITCHBOARD_LOG_ACCESS", "false"),
            Duration.ofMinutes(3),
            true)) {
      System.out.printf(
          "started (%s) in %d ms: %s, pid %d%n",
          pg == null ? "H2" : "PostgreSQL",
          server.startNanos / 1_000_000,
          server.baseUrl,
          server.pid());
      JsonNode acme =
          json.readTree(dir.resolve("demo-credentials.json").toFile()).get("orgs").get(0);
      String clientId = acme.get("clientId").asString();
      String clientSecret = acme.get("clientSecret").asString();
      long idle = reading(server, "idle demo server");

      var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      var admin =
          SwitchboardClient.builder()
              .baseUrl(server.baseUrl)
              .clientCredentials(clientId, clientSecret)
              .deadline(Duration.ofSeconds(120))
              .httpClient(http)
              .build();
      long t0 = System.nanoTime();
      List<String> sessionIds = createSessions(admin);
      System.out.printf(
          "%d sessions created in %.1f s%n", sessionIds.size(), (System.nanoTime() - t0) / 1e9);
      t0 = System.nanoTime();
      var received = new AtomicLong();
      List<WebSocket> open = openSockets(admin, server.baseUrl, http, sessionIds, received);
      System.out.printf("%d sockets open in %.1f s%n", open.size(), (System.nanoTime() - t0) / 1e9);
      long loaded = reading(server, sessions + " sessions, " + sockets + " sockets");
      boolean heapOk = loaded <= heapLimitMb * 1024 * 1024;
      System.out.printf(
          "HEAP after GC with %d sessions and %d sockets: %.1f MiB (idle server %.1f MiB; limit"
              + " %d MiB): %s%n",
          sessions, sockets, mib(loaded), mib(idle), heapLimitMb, heapOk ? "PASS" : "FAIL");

      boolean burstOk = true;
      if (!noBurst) {
        Map<String, Long> fiveBefore = serverErrors(http, server.baseUrl);
        int burst = burst(server.baseUrl, clientId, clientSecret, false);
        int flows = burst(server.baseUrl, clientId, clientSecret, true);
        Map<String, Long> fiveAfter = serverErrors(http, server.baseUrl);
        var fives = new java.util.TreeMap<String, Long>();
        fiveAfter.forEach((status, n) -> {
          long d = n - fiveBefore.getOrDefault(status, 0L);
          if (d > 0) fives.put(status, d);
        });
        long afterBurst = reading(server, "after both bursts");
        long closedSockets = open.stream().filter(WebSocket::isInputClosed).count();
        boolean alive = server.process.isAlive();
        boolean oom = server.logMentions("OutOfMemoryError");
        burstOk = alive && !oom && fives.isEmpty() && burst == 0 && flows == 0;
        System.out.printf(
            "BURST with -Xmx: exit codes %d (S1) and %d (through the flows); server alive %s;"
                + " OutOfMemoryError %s; 5xx answers by status %s; sockets closed meanwhile %d;"
                + " heap after GC %.1f MiB: %s%n",
            burst,
            flows,
            alive,
            oom ? "yes" : "no",
            fives,
            closedSockets,
            mib(afterBurst),
            burstOk ? "PASS" : "FAIL");
      }
      for (WebSocket ws : open) ws.abort();
      admin.close();
      System.out.println("load average after: " + ServerProcess.loadAverage());
      return heapOk && burstOk ? 0 : 1;
    }
  }

  private long reading(ServerProcess server, String what) throws Exception {
    long used = server.heapUsedAfterGc();
    System.out.printf("heap after GC, %s: %.1f MiB%n", what, mib(used));
    if (histogram > 0) System.out.print(server.histogram(histogram));
    return used;
  }

  /** A published script with one variable, an agent on a call, and the sessions in bulk. */
  private List<String> createSessions(SwitchboardClient admin) throws Exception {
    var variable =
        new ScriptsApi.Variable("agentName", "string", true, false, null, "the agent's name");
    var text =
        new ScriptsApi.Component(
            "greeting", "text", "Hello {{agentName}}.", null, null, null, null, null, null);
    String scriptId =
        admin
            .scripts()
            .create(
                new ScriptDraft(
                    "memory-bench",
                    "start",
                    List.of(variable),
                    List.of(new ScriptsApi.ScriptPage("start", "Start", List.of(text))),
                    null,
                    null,
                    null))
            .id();
    admin.publishedScripts().publish(scriptId);
    String agent =
        admin
            .users()
            .create(new NewUser("Memory Agent", "memory-agent@bench.invalid", "Bench", null))
            .id();
    String call =
        admin
            .conversations()
            .createCall(new NewCall("+15550000000", "+18005550100", agent, null))
            .id();
    var ids = new ArrayList<String>(sessions);
    for (int from = 0; from < sessions; from += 100) {
      var batch = new ArrayList<SessionsApi.NewSession>();
      for (int i = from; i < Math.min(sessions, from + 100); i++)
        batch.add(
            new SessionsApi.NewSession(scriptId, call, agent, Map.of("agentName", "Agent " + i)));
      for (SessionsApi.BulkResult r : admin.sessions().createBulk(batch)) {
        if (!r.created()) throw new IllegalStateException("session not created: " + r.error());
        ids.add(r.session().id());
      }
    }
    return ids;
  }

  /**
   * {@code sockets} channels (20 per OAuth client, Genesys's limit), each subscribed to one
   * session's topic and connected.
   */
  private List<WebSocket> openSockets(
      SwitchboardClient admin,
      String baseUrl,
      HttpClient http,
      List<String> sessionIds,
      AtomicLong received)
      throws Exception {
    var clients = new ArrayList<SwitchboardClient>();
    for (int c = 0; c < (sockets + CHANNELS_PER_CLIENT - 1) / CHANNELS_PER_CLIENT; c++) {
      var created =
          admin
              .oauthClients()
              .create(
                  new NewOAuthClient(
                      "memory-bench-" + c,
                      "notification sockets of bench memory",
                      null,
                      List.of("notifications", "agent-scripting")));
      clients.add(
          SwitchboardClient.builder()
              .baseUrl(baseUrl)
              .clientCredentials(created.id(), created.secret())
              .deadline(Duration.ofSeconds(120))
              .httpClient(http)
              .build());
    }
    var slots = new Semaphore(PARALLEL);
    var futures = new ArrayList<Future<WebSocket>>();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < sockets; i++) {
        SwitchboardClient c = clients.get(i / CHANNELS_PER_CLIENT);
        String topic = "v2.agent-scripting.sessions." + sessionIds.get(i % sessionIds.size());
        futures.add(
            pool.submit(() -> {
              slots.acquire();
              try {
                JsonNode channel =
                    c.callForTree(ApiRequest.post("/api/v2/notifications/channels", null));
                c.callForTree(
                    ApiRequest.put(
                        "/api/v2/notifications/channels/"
                            + channel.get("id").asString()
                            + "/subscriptions",
                        List.of(Map.of("id", topic))));
                return http.newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(
                        URI.create(channel.get("connectUri").asString()), new Counting(received))
                    .get(30, TimeUnit.SECONDS);
              } finally {
                slots.release();
              }
            }));
      }
      var open = new ArrayList<WebSocket>();
      for (var f : futures) open.add(f.get());
      return open;
    } catch (ExecutionException e) {
      throw new IllegalStateException("socket setup failed: " + e.getCause(), e.getCause());
    } finally {
      clients.forEach(SwitchboardClient::close);
    }
  }

  /** Reads every message (heartbeats, events) so the server's queues stay empty. */
  private record Counting(AtomicLong received) implements WebSocket.Listener {
    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      if (last) received.incrementAndGet();
      ws.request(1);
      return CompletableFuture.completedStage(null);
    }
  }

  /** {@code load burst} (or {@code --through-flow}) against the server, in this process. */
  private int burst(String baseUrl, String clientId, String clientSecret, boolean throughFlow) {
    var args = new ArrayList<>(List.of("--base-url", baseUrl, "--client-id", clientId));
    args.addAll(
        List.of("--client-secret", clientSecret, "--agents", Integer.toString(burstAgents)));
    args.addAll(List.of("--json", "--quiet"));
    if (throughFlow) args.add("--through-flow");
    System.out.println((throughFlow ? "S1 through the flows: " : "S1 burst: ") + "load burst ...");
    int status = new CommandLine(new BurstCommand()).execute(args.toArray(String[]::new));
    System.out.flush();
    return status;
  }

  /** Answers with status 5xx so far by status, from the server's {@code /metrics}. */
  private static Map<String, Long> serverErrors(HttpClient http, String baseUrl) throws Exception {
    String text =
        http.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    var counts = new java.util.TreeMap<String, Long>();
    var status = java.util.regex.Pattern.compile("status=\"(5\\d\\d)\"");
    for (String line : text.split("\n")) {
      if (!line.startsWith("http_server_requests_seconds_count{")) continue;
      var m = status.matcher(line);
      if (m.find())
        counts.merge(
            m.group(1),
            (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)),
            Long::sum);
    }
    return counts;
  }

  private static double mib(long bytes) {
    return bytes / 1024.0 / 1024.0;
  }
}
