package io.switchboard.server.testing;

import io.switchboard.server.Switchboard;
import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import io.switchboard.server.identity.IdentityService;
import io.switchboard.server.storage.StorageConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real server in a JVM of its own (the test classpath), for tests that must kill it the way a
 * crash does: {@link #kill()} is SIGKILL, so nothing in the server gets to flush or close. Settings
 * are passed as {@code key=value} arguments; the child prints {@code PORT <port>} when it serves
 * and, when asked to make an org, {@code ORG <org> <client> <secret>} before that.
 */
public final class ServerProcess implements AutoCloseable {
  private static final String SCHEMA_ARG = "--schema";
  private static final String NEW_ORG_ARG = "--new-org";

  private final Process process;
  private final int port;
  private final TestServer.OrgAccess org;

  private ServerProcess(Process process, int port, TestServer.OrgAccess org) {
    this.process = process;
    this.port = port;
    this.org = org;
  }

  /**
   * Starts the server with {@code settings} on {@code storage} (its data directory or database, and
   * schema) and waits until it serves; {@code newOrg} makes an org with an admin client first.
   */
  public static ServerProcess start(
      Map<String, String> settings, StorageConfig storage, boolean newOrg, Path log) {
    var command = new ArrayList<String>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--sun-misc-unsafe-memory-access=allow");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ServerProcess.class.getName());
    var values = new HashMap<>(settings);
    values.put(SettingKeys.HTTP_PORT, "0");
    values.put(SettingKeys.ACCESS_LOG, "false");
    values.put(SettingKeys.DATA_DIR, storage.dataDir().toString());
    if (storage.jdbcUrl() != null) values.put(SettingKeys.JDBC_URL, storage.jdbcUrl());
    if (storage.user() != null) values.put(SettingKeys.DB_USER, storage.user());
    values.forEach((k, v) -> command.add(k + "=" + v));
    if (storage.schema() != null) command.add(SCHEMA_ARG + "=" + storage.schema());
    if (newOrg) command.add(NEW_ORG_ARG);
    try {
      Files.deleteIfExists(log);
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      TestServer.OrgAccess org = null;
      while (Instant.now().isBefore(deadline)) {
        if (!process.isAlive())
          throw new IllegalStateException("server process exited: " + Files.readString(log));
        for (String line : Files.readAllLines(log)) {
          String[] parts = line.split(" ");
          if (parts[0].equals("ORG") && parts.length == 4)
            org = new TestServer.OrgAccess(parts[1], parts[2], parts[3]);
          if (parts[0].equals("PORT") && parts.length == 2)
            return new ServerProcess(process, Integer.parseInt(parts[1]), org);
        }
        Thread.sleep(100);
      }
      process.destroyForcibly();
      throw new IllegalStateException(
          "server process did not start within 60 s: " + Files.readString(log));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public Api api() {
    return new Api(baseUrl());
  }

  /** The org made at start ({@code newOrg}), else null. */
  public TestServer.OrgAccess org() {
    return org;
  }

  /** SIGKILL, as a crash or the OOM killer: no shutdown hook, no flush, no close. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    kill();
  }

  /** The child: serve until killed. */
  public static void main(String[] args) throws InterruptedException {
    var values = new HashMap<String, String>();
    String schema = null;
    boolean newOrg = false;
    for (String arg : args) {
      if (arg.equals(NEW_ORG_ARG)) {
        newOrg = true;
        continue;
      }
      int eq = arg.indexOf('=');
      if (arg.startsWith(SCHEMA_ARG + "=")) schema = arg.substring(eq + 1);
      else values.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    Settings settings = Settings.of(values);
    Switchboard switchboard =
        Switchboard.start(
            settings, StorageConfig.from(settings).withSchema(schema), Clock.systemUTC());
    if (newOrg) {
      IdentityService.NewOrg created = switchboard.identity().createOrg("org-" + UUID.randomUUID());
      System.out.println(
          "ORG "
              + created.org().id()
              + " "
              + created.admin().client().id()
              + " "
              + created.admin().secret());
    }
    System.out.println("PORT " + switchboard.port());
    System.out.flush();
    Thread.currentThread().join();
  }

  /** Every id in a paged Genesys listing ({@code path} without query), following the pages. */
  public static List<String> allIds(Api api, String token, String path) {
    var ids = new ArrayList<String>();
    for (int page = 1; ; page++) {
      Api.Response r = api.get(path + "?pageSize=500&pageNumber=" + page, token);
      if (r.status() != 200) throw new AssertionError("listing failed: " + r);
      r.json().get("entities").forEach(e -> ids.add(e.get("id").asString()));
      if (page >= r.json().get("pageCount").asInt()) return ids;
    }
  }
}
