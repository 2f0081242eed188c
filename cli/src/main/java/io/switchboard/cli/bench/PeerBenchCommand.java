package io.switchboard.cli.bench;

import io.switchboard.server.Switchboard;
import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import io.switchboard.server.credentials.SecretBox;
import io.switchboard.server.demo.DemoContent;
import io.switchboard.server.ratelimit.LimitCatalog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 14's peer benchmark: the demo's published script served by Switchboard (authenticated, rate
 * limited, ETag), by WireMock standalone as a stub of the same bytes, by a bare Javalin handler of
 * the same bytes (the baseline of every ratio) and by a bare Jetty handler of them (no servlet
 * layer, no Javalin: the floor of the stack); plus the draft script's GET and a session's GET
 * (database reads). Each round measures every target one after the other with wrk, so the ratios to
 * the round's bare handler compare what ran under the same machine load.
 */
@Command(
    name = "peer",
    mixinStandardHelpOptions = true,
    description =
        "Published-script GET: Switchboard vs WireMock vs a bare Javalin handler on the same bytes,"
            + " plus draft-script and session GETs, measured with wrk in one run.")
public final class PeerBenchCommand implements Callable<Integer> {
  /** Every target beside the bare handler, in the order of a round. */
  private static final String TARGETS = "bare-jetty,same-request,published,wiremock,draft,session";

  /**
   * The bare handler given Switchboard's request: the same path and the same {@code Authorization}
   * header (which it ignores). The plain bare target gets a short path and no header, so its ratio
   * also counts the parsing of the ~200 bytes more that Switchboard's callers send; against this
   * one, only what Switchboard does with the request is measured.
   */
  private static final String SAME_REQUEST = "same-request";

  /**
   * A Jetty handler alone on the same bytes (no servlet layer, no Javalin): what a request costs on
   * this stack below any framework. Switchboard answers its hottest reads at this level ({@code
   * HotReads}), so its ratio to this one is printed too.
   */
  private static final String BARE_JETTY = "bare-jetty";

  @Mixin WrkOptions wrk;
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--rounds",
      defaultValue = "2",
      description = "Rounds of every target, interleaved (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--wiremock-jar",
      description = "wiremock-standalone jar (bench/peer.sh fetches 3.13.2); without it, skipped.")
  Path wiremockJar;

  @Option(
      names = "--jfr",
      description =
          "After the rounds, one more pass of Switchboard's targets and the bare handler, each"
              + " under a JFR recording (profile settings) written to this directory as"
              + " <target>.jfr.")
  Path jfrDir;

  @Option(
      names = "--targets",
      split = ",",
      defaultValue = TARGETS,
      description =
          "Which targets to measure besides the bare handler (default ${DEFAULT-VALUE}): fewer"
              + " make more rounds fit in the same time.")
  Set<String> only;

  @Option(
      names = "--access-log",
      description =
          "Write the access-log line (to stderr) as a default server does; off otherwise.")
  boolean accessLog;

  /** {@code server}: the process that answers it (this JVM for Switchboard's targets). */
  record Target(
      String name, String label, String url, List<String> headers, ProcessHandle server) {}

  @Override
  public Integer call() throws Exception {
    var known = Set.of(TARGETS.split(","));
    if (!known.containsAll(only))
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--targets: each of " + known + "; got " + only);
    var dir = Files.createTempDirectory("switchboard-peer");
    var values = new HashMap<String, String>();
    values.put(SettingKeys.HTTP_PORT, "0");
    values.put(SettingKeys.DATA_DIR, dir.toString());
    values.put(SettingKeys.ACCESS_LOG, Boolean.toString(accessLog));
    values.put(SettingKeys.CRYPTO_KEY, SecretBox.newKeyBase64());
    // The token bucket stays on (every request is checked and answered with the rate-limit
    // headers), with room for the millions of requests of a run.
    values.put(
        SettingKeys.LIMITS_PREFIX + LimitCatalog.TOKEN, Long.toString(LimitCatalog.MAX_VALUE));
    BareHandlerProcess bare = null;
    BareHandlerProcess bareJetty = null;
    WireMockProcess wiremock = null;
    try (Switchboard server = Switchboard.start(Settings.of(values))) {
      var org = server.identity().createOrg("bench");
      var content = new DemoContent(server.features()).ensure("bench", org.org().id());
      String token =
          HttpBenchCommand.token(server.baseUrl(), org.admin().client().id(), org.admin().secret());
      List<String> auth = List.of("Authorization: Bearer " + token);
      String published = server.baseUrl() + "/api/v2/scripts/published/" + content.scriptId();
      HttpResponse<byte[]> answer =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(published))
                      .header("Authorization", "Bearer " + token)
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      if (answer.statusCode() != 200)
        throw new IllegalStateException("the published script answered " + answer.statusCode());
      byte[] body = answer.body();
      String etag = answer.headers().firstValue("ETag").orElse("\"x\"");

      // In a JVM of its own, as WireMock is: sharing Switchboard's JVM, the bare handler ran
      // Jetty's
      // code through call sites Switchboard had made polymorphic (10-20% slower, which flattered
      // Switchboard's ratios), and its CPU could not be told apart.
      String publishedPath = URI.create(published).getPath();
      bare = BareHandlerProcess.start(dir, List.of("/published", publishedPath), body);
      var targets = new ArrayList<Target>();
      targets.add(
          new Target(
              "bare",
              "bare Javalin handler, same bytes",
              "http://127.0.0.1:" + bare.port + "/published",
              List.of(),
              bare.handle()));
      if (only.contains(BARE_JETTY)) {
        bareJetty = BareHandlerProcess.start(dir, List.of("/published"), body, true);
        targets.add(
            new Target(
                BARE_JETTY,
                "bare Jetty handler (no servlet, no Javalin)",
                "http://127.0.0.1:" + bareJetty.port + "/published",
                List.of(),
                bareJetty.handle()));
      }
      targets.add(
          new Target(
              SAME_REQUEST,
              "bare handler, Switchboard's request",
              "http://127.0.0.1:" + bare.port + publishedPath,
              auth,
              bare.handle()));
      targets.add(
          new Target(
              "published",
              "Switchboard GET /scripts/published/{id}",
              published,
              auth,
              ProcessHandle.current()));
      if (wiremockJar != null && only.contains("wiremock")) {
        wiremock =
            WireMockProcess.start(
                wiremockJar, dir.resolve("wiremock.log"), "/published", body, etag);
        targets.add(
            new Target(
                "wiremock",
                "WireMock 3 stub, same bytes",
                "http://127.0.0.1:" + wiremock.port + "/published",
                List.of(),
                wiremock.handle()));
      }
      targets.add(
          new Target(
              "draft",
              "Switchboard GET /scripts/{id} (draft, DB)",
              server.baseUrl() + "/api/v2/scripts/" + content.scriptId(),
              auth,
              ProcessHandle.current()));
      targets.add(
          new Target(
              "session",
              "Switchboard GET /agent-scripting/sessions/{id}",
              server.baseUrl() + "/api/v2/agent-scripting/sessions/" + content.sessionId(),
              auth,
              ProcessHandle.current()));

      targets.removeIf(t -> !t.name().equals("bare") && !only.contains(t.name()));
      System.out.printf(
          "published script: %d bytes; wrk -t%d -c%d, %d s per target after %d s warm-up; %d"
              + " round(s); access log %s%n",
          body.length,
          wrk.threads,
          wrk.connections,
          wrk.seconds,
          wrk.warmup,
          rounds,
          accessLog ? "on" : "off");
      for (Target t : targets) wrk.warmUp(t.url(), t.headers());

      boolean clean = true;
      var ratios = new HashMap<String, List<Double>>();
      // Server CPU per request (this JVM for Switchboard, the bare handler's and WireMock's own
      // processes for them), bare over target: what each answer costs, which another load on the
      // machine
      // moves much less than it moves throughput.
      var cpuRatios = new HashMap<String, List<Double>>();
      // Each later target's throughput over the same round's same-request and bare-Jetty targets.
      var baselineRatios = new HashMap<String, Map<String, List<Double>>>();
      for (int round = 1; round <= rounds; round++) {
        var results = new ArrayList<Wrk.Result>();
        var cpuPerRequest = new ArrayList<Double>();
        for (Target t : targets) {
          long before = cpuNanos(t.server());
          Wrk.Result r = wrk.measure(t.label(), t.url(), t.headers());
          long used = cpuNanos(t.server()) - before;
          results.add(r);
          cpuPerRequest.add(r.requests() == 0 ? 0 : used / 1000.0 / r.requests());
        }
        double bareRps = results.getFirst().requestsPerSecond();
        System.out.printf(
            "%nround %d%n%-48s %10s %8s %8s %8s %8s %9s %9s%n",
            round,
            "target",
            "req/s",
            "p50 ms",
            "p99 ms",
            "non-2xx",
            "ratio",
            "cpu us/r",
            "cpu ratio");
        double bareCpu = cpuPerRequest.getFirst();
        for (int i = 0; i < targets.size(); i++) {
          Wrk.Result r = results.get(i);
          double ratio = r.requestsPerSecond() / bareRps;
          ratios.computeIfAbsent(targets.get(i).name(), k -> new ArrayList<>()).add(ratio);
          double cpuRatio = cpuPerRequest.get(i) == 0 ? 0 : bareCpu / cpuPerRequest.get(i);
          cpuRatios.computeIfAbsent(targets.get(i).name(), k -> new ArrayList<>()).add(cpuRatio);
          for (String baseline : List.of(SAME_REQUEST, BARE_JETTY)) {
            int b = indexOf(targets, baseline);
            if (b >= 0 && i > b)
              baselineRatios
                  .computeIfAbsent(baseline, k -> new HashMap<>())
                  .computeIfAbsent(targets.get(i).name(), k -> new ArrayList<>())
                  .add(r.requestsPerSecond() / results.get(b).requestsPerSecond());
          }
          if (r.non2xx() > 0) clean = false;
          System.out.printf(
              "%-48s %10.0f %8.2f %8.2f %8d %8.2f %9.1f %9.2f%n",
              r.label(),
              r.requestsPerSecond(),
              r.p50Ms(),
              r.p99Ms(),
              r.non2xx(),
              ratio,
              cpuPerRequest.get(i),
              cpuRatio);
        }
      }
      printRatios(
          "ratio to the bare handler, per round (targets: published >= 0.85,"
              + " draft and session >= 0.60)",
          targets,
          ratios);
      printRatios(
          "server CPU per request, bare handler's over the target's, per round (1.00: as"
              + " cheap as the bare handler)",
          targets,
          cpuRatios);
      for (var baseline : List.of(SAME_REQUEST, BARE_JETTY)) {
        Map<String, List<Double>> against = baselineRatios.get(baseline);
        if (against == null) continue;
        printRatios(
            baseline.equals(SAME_REQUEST)
                ? "ratio to the bare handler given Switchboard's request (path and Authorization"
                    + " header), per round"
                : "ratio to the bare Jetty handler (no servlet, no Javalin), per round",
            targets.stream().filter(t -> against.containsKey(t.name())).toList(),
            against);
      }
      if (jfrDir != null) profile(targets, bare, jfrDir);
      return clean ? 0 : 1;
    } finally {
      if (wiremock != null) wiremock.close();
      if (bare != null) bare.close();
      if (bareJetty != null) bareJetty.close();
    }
  }

  private static int indexOf(List<Target> targets, String name) {
    for (int i = 0; i < targets.size(); i++) if (targets.get(i).name().equals(name)) return i;
    return -1;
  }

  /** Each target's ratios, one per round, and their median. */
  private static void printRatios(
      String title, List<Target> targets, Map<String, List<Double>> ratios) {
    System.out.printf("%n%s%n", title);
    for (Target t : targets) {
      if (t.name().equals("bare")) continue;
      List<Double> perRound = ratios.get(t.name());
      System.out.printf(
          "%-10s %s   median %.2f%n",
          t.name(),
          String.join(" ", perRound.stream().map(x -> String.format("%.2f", x)).toList()),
          Medians.of(perRound));
    }
  }

  /** The CPU time a process has used so far (0 where the OS does not say). */
  private static long cpuNanos(ProcessHandle process) {
    return process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
  }

  /**
   * One more pass of the bare handler's and Switchboard's targets, each under its own JFR recording
   * (the bare handler's, the reference of what any request costs on this stack, in its own JVM).
   */
  private void profile(List<Target> targets, BareHandlerProcess bare, Path into) throws Exception {
    Files.createDirectories(into);
    System.out.printf(
        "%nunder JFR (profile settings, a sample per ms; not comparable with the rounds above)%n");
    for (Target t : targets) {
      Path file = into.resolve(t.name() + ".jfr");
      if (t.server().equals(bare.handle())) {
        bare.startRecording(file);
        var r = wrk.measure(t.label(), t.url(), t.headers());
        bare.stopRecording();
        System.out.printf("%-48s %10.0f req/s -> %s%n", r.label(), r.requestsPerSecond(), file);
        continue;
      }
      if (!t.server().equals(ProcessHandle.current())) continue;
      try (var recording = new Recording(Configuration.getConfiguration("profile"))) {
        // The profile settings sample every 10 ms: a few hundred samples in a pass, too few to
        // tell a 2% cost from noise.
        recording.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(1));
        recording.setToDisk(true);
        recording.setDestination(file);
        recording.start();
        var r = wrk.measure(t.label(), t.url(), t.headers());
        recording.stop();
        System.out.printf("%-48s %10.0f req/s -> %s%n", r.label(), r.requestsPerSecond(), file);
      }
    }
  }
}
