package io.switchboard.cli;

import io.switchboard.server.Switchboard;
import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import io.switchboard.server.demo.DemoContent;
import io.switchboard.server.demo.DemoFlows;
import io.switchboard.server.demo.DemoIntegrations;
import io.switchboard.server.demo.DemoSetup;
import io.switchboard.server.storage.OwnerOnlyFile;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Run the server until SIGTERM or Ctrl-C.")
final class ServeCommand implements Callable<Integer> {
  @Mixin StorageOptions storage;

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "TCP port; 0 picks a free one (default 8080).")
  Integer port;

  @Option(
      names = "--host",
      paramLabel = "ADDR",
      description = "Address to bind (default 127.0.0.1).")
  String host;

  @Option(
      names = "--redis",
      paramLabel = "URL",
      description =
          "Redis URL (redis://host:6379) for rate-limit buckets shared by every node and for"
              + " notifications between nodes; default: in memory.")
  String redis;

  @Option(
      names = "--demo",
      description =
          "Create the demo orgs (acme, globex) with agents, wrap-up codes, a published script and a"
              + " live call on first start, and print how to open them.")
  boolean demo;

  @Override
  public Integer call() throws Exception {
    var flags = new HashMap<String, String>();
    if (port != null) flags.put(SettingKeys.HTTP_PORT, port.toString());
    if (host != null) flags.put(SettingKeys.HTTP_HOST, host);
    if (redis != null) flags.put(SettingKeys.LIMITS_REDIS_URL, redis);
    // The demo external APIs call the fake CRM this process serves.
    if (demo) flags.put(SettingKeys.DEMO_CRM, "true");
    Settings settings = storage.settings(flags);
    if (demo) settings = allowDemoCrm(settings);
    Path dataDir = settings.path(SettingKeys.DATA_DIR);
    Files.createDirectories(dataDir);

    Switchboard server = start(settings);
    Path serverJson = dataDir.resolve(SERVER_JSON);
    Thread stopOnSignal = new Thread(() -> stop(server, serverJson), "switchboard-shutdown");
    Runtime.getRuntime().addShutdownHook(stopOnSignal);
    try {
      announce(server, dataDir);
    } catch (Exception | Error e) {
      // Not a signal: the start failed. Stop here and let the error decide the exit status.
      Runtime.getRuntime().removeShutdownHook(stopOnSignal);
      server.close();
      throw e;
    }
    new CountDownLatch(1).await();
    return 0;
  }

  static final String SERVER_JSON = "server.json";

  private Switchboard start(Settings settings) {
    try {
      return Switchboard.startNotReady(settings);
    } catch (RuntimeException e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof BindException) throw new PortInUseException(settings, e);
      }
      throw e;
    }
  }

  /**
   * SIGTERM or Ctrl-C: in-flight requests finish, the database closes, {@code server.json} goes (no
   * server answers there any more) and the process exits 0, not the JVM's 143 for a signal, because
   * this is the normal way to stop.
   */
  private static void stop(Switchboard server, Path serverJson) {
    System.out.println("Stopping: letting in-flight requests finish...");
    System.out.flush();
    int status = 0;
    try {
      Files.deleteIfExists(serverJson);
      server.close();
      System.out.println("stopped");
    } catch (Exception e) {
      System.out.println("stop failed: " + e);
      status = 1;
    }
    System.out.flush();
    Runtime.getRuntime().halt(status);
  }

  /**
   * Prints where the server listens, writes the demo content when asked, and only then marks it
   * ready and writes {@code server.json}: whoever waits for that file (or for {@code /health} 200)
   * finds everything in place.
   */
  private void announce(Switchboard server, Path dataDir) throws java.io.IOException {
    System.out.println("Switchboard " + Switchboard.VERSION + " listening on " + server.baseUrl());
    if (server.tlsPort() > 0) System.out.println("  https:   port " + server.tlsPort());
    System.out.println("  health:  " + server.baseUrl() + "/health");
    System.out.println("  metrics: " + server.baseUrl() + "/metrics");
    if (demo) {
      var integrations =
          new DemoIntegrations(server.identity(), server.credentials(), server.externalApis());
      var flows =
          new DemoFlows(
              server.identity(),
              server.credentials(),
              server.externalApis(),
              server.features().scripts(),
              server.flows(),
              server.features().routing());
      var credentials =
          new DemoSetup(server.identity(), new DemoContent(server.features()), integrations, flows)
              .ensure(server.baseUrl(), dataDir);
      System.out.println();
      System.out.println(
          "Demo orgs (also in "
              + dataDir.resolve(DemoSetup.CREDENTIALS_FILE)
              + ", readable by you only):");
      System.out.print(DemoSetup.table(credentials));
      var acme = credentials.orgs().get(0);
      System.out.println();
      System.out.println("Get a token and make a first call:");
      System.out.println(
          "  TOKEN=$(curl -s -u "
              + acme.clientId()
              + ":"
              + acme.clientSecret()
              + " -d grant_type=client_credentials "
              + server.baseUrl()
              + "/oauth/token | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')");
      System.out.println(
          "  curl -s -H \"Authorization: Bearer $TOKEN\" "
              + server.baseUrl()
              + "/api/v2/oauth/clients");
      System.out.println();
      System.out.print(DemoSetup.contentGuide(credentials));
      System.out.print(DemoSetup.pagesGuide(credentials));
      System.out.println("Run a demo external API (data action) against the built-in fake CRM:");
      System.out.println(
          "  curl -s -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' -d"
              + " '{\"limit\":5}' "
              + server.baseUrl()
              + "/api/v2/architect/external-apis/query");
      System.out.println(
          "  curl -s -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' -d"
              + " '{\"inputs\":{\"customerId\":\"42\"}}' "
              + server.baseUrl()
              + "/api/v2/architect/external-apis/"
              + server
                  .externalApis()
                  .findByName(acme.orgId(), DemoIntegrations.LOOKUP_NAME)
                  .map(a -> a.id())
                  .orElse("ID")
              + "/test");
      System.out.println();
      System.out.print(DemoSetup.flowGuide(credentials));
    }
    System.out.flush();
    server.markReady();
    // Owner-only like everything in the data directory, and whole or absent for whoever polls for
    // it.
    OwnerOnlyFile.write(
        dataDir.resolve(SERVER_JSON),
        ("{\"baseUrl\": \"" + server.baseUrl() + "\"}\n").getBytes(StandardCharsets.UTF_8));
  }

  /** The port (or the HTTPS port) is taken: say which and how to choose another. */
  static final class PortInUseException extends RuntimeException {
    PortInUseException(Settings settings, Throwable cause) {
      super(message(settings), cause);
    }

    private static String message(Settings settings) {
      String host = settings.optional(SettingKeys.HTTP_HOST).orElse("127.0.0.1");
      String port = settings.optional(SettingKeys.HTTP_PORT).orElse("8080");
      String tls =
          settings
              .optional(SettingKeys.TLS_PORT)
              .map(p -> " (or the HTTPS port " + p + ")")
              .orElse("");
      return "port "
          + port
          + tls
          + " on "
          + host
          + " is already in use (another Switchboard or another program);"
          + " choose another with --port N, or --port 0 for a free one";
    }
  }

  /**
   * The demo's external APIs call the fake CRM and the API of this very process, an address egress
   * refuses by default: the demo allows exactly that one address (and the public URL's host, when
   * set) by the ordinary allow-list setting, added to whatever the operator allowed. Only for
   * {@code --demo}.
   */
  static Settings allowDemoCrm(Settings settings) {
    return DemoFlows.allowOwnAddress(settings);
  }
}
