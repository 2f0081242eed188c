package io.switchboard.cli.load;

import io.switchboard.server.Switchboard;
import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import io.switchboard.server.credentials.SecretBox;
import io.switchboard.server.demo.DemoFlows;
import io.switchboard.server.demo.DemoIntegrations;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code switchboard load burst}: field report S1 replayed. N agents log in at once (or over a
 * ramp); each fetches the published script and starts its own script session under a deadline.
 * Reports the success rate within the deadline, latency percentiles, requests, 429s, retries and
 * errors by code.
 */
@Command(
    name = "burst",
    mixinStandardHelpOptions = true,
    description = {
      "Replay a login burst (field report S1): N agents fetch the published script and start their"
          + " script session, each under a deadline.",
      "Setup (agents, their calls, the script, K OAuth clients) is done first by separate clients"
          + " and is not measured."
    })
public final class BurstCommand implements Callable<Integer> {
  static final int MAX_AGENTS = 10_000;
  static final int MAX_CLIENTS = 100;

  @Spec CommandSpec spec;

  @Option(
      names = {"--agents", "--calls"},
      defaultValue = "500",
      paramLabel = "N",
      description =
          "Virtual agents, or with --through-flow calls per flow (1..10000, default"
              + " ${DEFAULT-VALUE}).")
  int agents;

  @Option(
      names = "--ramp",
      defaultValue = "0s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Spread the agents' starts over this long (default 0s: all at once).")
  Duration ramp;

  @Option(
      names = "--deadline",
      defaultValue = "10s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Each agent's deadline, like a flow's (default ${DEFAULT-VALUE}).")
  Duration deadline;

  @Option(
      names = "--clients",
      defaultValue = "1",
      paramLabel = "K",
      description =
          "OAuth clients the agents share, as a flow's data action would (1..100, default"
              + " ${DEFAULT-VALUE}).")
  int clients;

  @Option(
      names = "--client",
      defaultValue = "switchboard",
      paramLabel = "KIND",
      description =
          "switchboard (the client library) or naive (no caching, 429 retried after 1,2,4,8,16 s"
              + " whatever the deadline). Default ${DEFAULT-VALUE}.")
  ClientKind client;

  @Option(
      names = "--base-url",
      paramLabel = "URL",
      description = "The server (or env SWITCHBOARD_BASE_URL).")
  String baseUrl;

  @Option(
      names = "--client-id",
      paramLabel = "ID",
      description = "An admin OAuth client of the target org (or env SWITCHBOARD_CLIENT_ID).")
  String clientId;

  @Option(
      names = "--client-secret",
      paramLabel = "SECRET",
      description = "Its secret (or env SWITCHBOARD_CLIENT_SECRET).")
  String clientSecret;

  @Option(
      names = "--local",
      description =
          "Start an embedded server on a free loopback port with a fresh org, and burst it.")
  boolean local;

  @Option(
      names = "--through-flow",
      description =
          "Replay S1 through the demo flows instead: N calls at once into the naive flow, then N"
              + " into the resilient one (cache + deadline-aware Retry-After); needs a serve --demo"
              + " server (its acme admin client) or --local.")
  boolean throughFlow;

  @Option(names = "--json", description = "Print one JSON object instead of the table.")
  boolean json;

  @Option(
      names = "--max-time",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Stop the burst after this long, counting unfinished agents as run.timeout (default: ramp"
              + " + deadline + 45s).")
  Duration maxTime;

  @Option(names = "--quiet", description = "No progress line.")
  boolean quiet;

  @Option(
      names = "--token-limit",
      paramLabel = "N",
      description =
          "Set the org's per-token limit (requests per minute) for the burst, and restore it after."
              + " Default: leave the org's limits as they are (300 unless changed).")
  Long tokenLimit;

  @Option(
      names = "--faults",
      paramLabel = "SCENARIO",
      description =
          "Run the burst twice on the same fixture: without faults, then under this fault scenario"
              + " (docs/faults.md; the admin client needs the faults and oauth scopes); one table"
              + " each.")
  String faults;

  enum ClientKind {
    switchboard,
    naive
  }

  @Override
  public Integer call() throws Exception {
    validate();
    PrintStream err = System.err;
    if (throughFlow) return throughFlow(err);
    try (Target target =
            local
                ? Target.local(false)
                : Target.remote(
                    orEnv(baseUrl, "SWITCHBOARD_BASE_URL"),
                    orEnv(clientId, "SWITCHBOARD_CLIENT_ID"),
                    orEnv(clientSecret, "SWITCHBOARD_CLIENT_SECRET"));
        HttpClient http =
            HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        BurstSetup setup =
            new BurstSetup(
                target.baseUrl(), target.admin(), agents, http, target.server() == null)) {
      String runId = UUID.randomUUID().toString().substring(0, 8);
      if (!quiet)
        err.printf(
            "setup: %d agents with calls in progress, a published script, %d OAuth client(s) on"
                + " %s%n",
            agents, clients, target.baseUrl());
      Fixture fixture = setup.create(agents, clients, runId, n -> progressSetup(err, n));
      if (!quiet) err.println();

      var phases = new ArrayList<String>();
      phases.add(null);
      if (faults != null) phases.add(faults);
      for (String scenario : phases) {
        try (var applied =
            scenario == null
                ? null
                : FaultScenario.apply(target.baseUrl(), target.admin(), scenario, http)) {
          BurstReport report = burst(target, http, setup, fixture);
          printReport(scenario, report, report.table());
        }
      }
      System.out.flush();
      return 0;
    }
  }

  /** One burst over the fixture, with drivers of its own. */
  private BurstReport burst(Target target, HttpClient http, BurstSetup setup, Fixture fixture)
      throws Exception {
    PrintStream err = System.err;
    var drivers = new ArrayList<AgentDriver>();
    for (Fixture.Credentials c : fixture.burstClients()) {
      drivers.add(
          client == ClientKind.naive
              ? new NaiveDriver(target.baseUrl(), c, fixture.scriptId(), http)
              : new SwitchboardDriver(target.baseUrl(), c, fixture.scriptId(), deadline, http));
    }
    Duration bound = maxTime != null ? maxTime : ramp.plus(deadline).plusSeconds(60);
    BurstReport report;
    try (var limit = tokenLimit == null ? null : setup.tokenLimit(tokenLimit)) {
      report =
          new BurstRunner(new BurstRunner.Plan(client.name(), ramp, deadline, bound))
              .run(fixture.agents(), drivers, quiet ? null : err);
    } finally {
      drivers.forEach(AgentDriver::close);
    }
    return report;
  }

  /** {@code --through-flow}: the demo flows, naive then resilient, N calls each. */
  private Integer throughFlow(PrintStream err) throws Exception {
    try (Target target =
            local
                ? Target.local(true)
                : Target.remote(
                    orEnv(baseUrl, "SWITCHBOARD_BASE_URL"),
                    orEnv(clientId, "SWITCHBOARD_CLIENT_ID"),
                    orEnv(clientSecret, "SWITCHBOARD_CLIENT_SECRET"));
        HttpClient http =
            HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build()) {
      // Each flow ends by its own deadline (10 s by default); the bound covers polling and load.
      Duration bound = maxTime != null ? maxTime : Duration.ofSeconds(75);
      var phases = new ArrayList<String>();
      phases.add(null);
      if (faults != null) phases.add(faults);
      for (String scenario : phases) {
        try (var applied =
            scenario == null
                ? null
                : FaultScenario.apply(target.baseUrl(), target.admin(), scenario, http)) {
          var burst = new FlowBurst(target.baseUrl(), target.admin(), agents, bound, http);
          FlowBurst.Report report;
          try {
            if (!quiet)
              err.printf(
                  "through the demo flows on %s: %d calls into each of '%s' and '%s'%s%n",
                  target.baseUrl(),
                  agents,
                  FlowBurst.NAIVE,
                  FlowBurst.RESILIENT,
                  scenario == null ? "" : ", under faults " + scenario);
            report = burst.run(agents, quiet ? null : err);
          } finally {
            burst.close();
          }
          printReport(scenario, report, report.table());
        }
      }
      System.out.flush();
      return 0;
    }
  }

  /** One phase's report: its table, or a JSON line (with the scenario under {@code --faults}). */
  private void printReport(String scenario, Object report, String table) throws Exception {
    if (faults != null && json) {
      var line = new java.util.LinkedHashMap<String, Object>();
      line.put("faults", scenario);
      line.put("report", report);
      System.out.println(JsonMapper.builder().build().writeValueAsString(line));
    } else if (json) {
      System.out.println(JsonMapper.builder().build().writeValueAsString(report));
    } else {
      if (faults != null)
        System.out.printf(
            "%n%s%n", scenario == null ? "without faults" : "under faults " + scenario);
      System.out.print(table);
    }
  }

  private void progressSetup(PrintStream err, int ready) {
    if (!quiet && (ready % 50 == 0 || ready == agents))
      err.printf("\rsetup: %d/%d agents ready   ", ready, agents);
  }

  private void validate() {
    if (agents < 1 || agents > MAX_AGENTS)
      throw new ParameterException(spec.commandLine(), "--agents must be 1.." + MAX_AGENTS);
    if (clients < 1 || clients > MAX_CLIENTS || clients > agents)
      throw new ParameterException(
          spec.commandLine(), "--clients must be 1.." + MAX_CLIENTS + " and at most --agents");
    if (deadline.compareTo(Duration.ofMillis(100)) < 0
        || deadline.compareTo(Duration.ofMinutes(2)) > 0)
      throw new ParameterException(spec.commandLine(), "--deadline must be 100ms..2m");
    if (ramp.compareTo(Duration.ofMinutes(10)) > 0)
      throw new ParameterException(spec.commandLine(), "--ramp must be at most 10m");
    if (tokenLimit != null && (tokenLimit < 1 || tokenLimit > 100_000_000))
      throw new ParameterException(spec.commandLine(), "--token-limit must be 1..100000000");
    if (maxTime != null
        && (maxTime.compareTo(Duration.ofSeconds(1)) < 0
            || maxTime.compareTo(Duration.ofMinutes(30)) > 0))
      throw new ParameterException(spec.commandLine(), "--max-time must be 1s..30m");
    boolean remote = baseUrl != null || System.getenv("SWITCHBOARD_BASE_URL") != null;
    if (local && baseUrl != null)
      throw new ParameterException(spec.commandLine(), "--local and --base-url exclude each other");
    if (!local && !remote)
      throw new ParameterException(
          spec.commandLine(), "give --local or --base-url (with --client-id and --client-secret)");
    if (!local
        && (orEnv(clientId, "SWITCHBOARD_CLIENT_ID") == null
            || orEnv(clientSecret, "SWITCHBOARD_CLIENT_SECRET") == null)) {
      throw new ParameterException(
          spec.commandLine(),
          "--client-id and --client-secret (or SWITCHBOARD_CLIENT_ID and SWITCHBOARD_CLIENT_SECRET)"
              + " are required with --base-url");
    }
  }

  private static String orEnv(String value, String env) {
    return value != null ? value : System.getenv(env);
  }

  /**
   * Where the burst goes: a given server, or one started here for the run (and stopped after it).
   */
  private record Target(String baseUrl, Fixture.Credentials admin, Switchboard server, Path dataDir)
      implements AutoCloseable {
    static Target remote(String baseUrl, String clientId, String clientSecret) {
      return new Target(
          baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl,
          new Fixture.Credentials(clientId, clientSecret),
          null,
          null);
    }

    /**
     * With {@code demoFlows}, the server also serves the demo CRM, may call its own address, and
     * the org gets the demo integrations and flows ({@code serve --demo}'s, for this org only).
     */
    static Target local(boolean demoFlows) throws IOException {
      Path dir = Files.createTempDirectory("switchboard-burst");
      // A throwaway data directory: a key in memory, no key file to back up (and no warning about
      // it).
      var values = new java.util.HashMap<String, String>();
      values.put(SettingKeys.HTTP_HOST, "127.0.0.1");
      values.put(SettingKeys.HTTP_PORT, "0");
      values.put(SettingKeys.DATA_DIR, dir.toString());
      values.put(SettingKeys.ACCESS_LOG, "false");
      values.put(SettingKeys.CRYPTO_KEY, SecretBox.newKeyBase64());
      if (demoFlows) values.put(SettingKeys.DEMO_CRM, "true");
      Settings settings = Settings.of(values);
      if (demoFlows) settings = DemoFlows.allowOwnAddress(settings);
      Switchboard server = Switchboard.start(settings);
      var org =
          server.identity().createOrg("load-burst-" + UUID.randomUUID().toString().substring(0, 8));
      if (demoFlows) {
        String orgId = org.org().id();
        new DemoIntegrations(server.identity(), server.credentials(), server.externalApis())
            .ensure(orgId, server.baseUrl());
        new DemoFlows(
                server.identity(),
                server.credentials(),
                server.externalApis(),
                server.features().scripts(),
                server.flows(),
                server.features().routing())
            .ensure(orgId, server.baseUrl());
      }
      return new Target(
          server.baseUrl(),
          new Fixture.Credentials(org.admin().client().id(), org.admin().secret()),
          server,
          dir);
    }

    @Override
    public void close() throws IOException {
      if (server == null) return;
      server.close();
      try (Stream<Path> files = Files.walk(dataDir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }

    @Override
    public String toString() {
      return "Target[" + baseUrl + "]";
    }
  }
}
