package io.switchboard.server.testing;

import io.switchboard.server.Switchboard;
import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import io.switchboard.server.identity.IdentityService;
import io.switchboard.server.storage.StorageConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real server on a free loopback port with its own H2 file (or a given storage), for acceptance
 * tests. Tests talk to it over HTTP with {@link Api}.
 */
public final class TestServer implements AutoCloseable {
  private final Switchboard switchboard;
  private final Path dataDir;

  private TestServer(Switchboard switchboard, Path dataDir) {
    this.switchboard = switchboard;
    this.dataDir = dataDir;
  }

  /**
   * Settings for a test that drives far more than the default 300 requests a minute through one
   * token (races, bulk loads): the token bucket off. Rate-limit tests keep the default.
   */
  public static final Map<String, String> NO_TOKEN_LIMIT =
      Map.of("limits.client.credentials.token.rate.per.minute", "0");

  /**
   * The credentials key of servers started on a given (shared) storage, unless the test sets its
   * own.
   */
  public static final String SHARED_STORAGE_KEY = "c3dpdGNoYm9hcmQtdGVzdHMtc2hhcmVkLWtleS0zMmI=";

  public static TestServer start() {
    return start(Map.of());
  }

  public static TestServer start(Map<String, String> overrides) {
    return start(overrides, null, Clock.systemUTC());
  }

  /** {@code storage} null means a fresh H2 file in a temporary directory. */
  public static TestServer start(
      Map<String, String> overrides, StorageConfig storage, Clock clock) {
    try {
      Path dir = Files.createTempDirectory("switchboard-test");
      var values = new HashMap<String, String>();
      values.put(SettingKeys.HTTP_PORT, "0");
      values.put(SettingKeys.DATA_DIR, dir.toString());
      values.put(SettingKeys.ACCESS_LOG, "false");
      // A given storage may be shared by several servers (a cluster, a restart): like the nodes of
      // a real
      // cluster they share one credentials key, which seals the token-signing key every node must
      // read.
      if (storage != null) values.put(SettingKeys.CRYPTO_KEY, SHARED_STORAGE_KEY);
      values.putAll(overrides);
      Settings settings = Settings.of(values);
      StorageConfig effective = storage != null ? storage : StorageConfig.from(settings);
      return new TestServer(Switchboard.start(settings, effective, clock), dir);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String baseUrl() {
    return switchboard.baseUrl();
  }

  public int port() {
    return switchboard.port();
  }

  public Path dataDir() {
    return dataDir;
  }

  public Switchboard switchboard() {
    return switchboard;
  }

  /** A new org with an all-scopes admin client. Setup only: tests then act through HTTP. */
  public OrgAccess newOrg() {
    IdentityService.NewOrg created = switchboard.identity().createOrg("org-" + UUID.randomUUID());
    return new OrgAccess(
        created.org().id(), created.admin().client().id(), created.admin().secret());
  }

  /** An {@link Api} for this server. */
  public Api api() {
    return new Api(baseUrl());
  }

  @Override
  public void close() {
    List<String> mismatches = switchboard.docMismatches();
    switchboard.close();
    if (mismatches.isEmpty()) return;
    // Every test's traffic checks the API reference: what a route answered that its Doc does not
    // say is collected here; -Dswitchboard.docs.strict=true makes it fail the test.
    try {
      Path out = Path.of("target", "doc-mismatches.txt");
      Files.createDirectories(out.getParent());
      Files.write(out, mismatches, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (Boolean.getBoolean("switchboard.docs.strict"))
      throw new AssertionError(
          "The API reference is out of date:\n" + String.join("\n", mismatches));
  }

  public record OrgAccess(String orgId, String clientId, String clientSecret) {}
}
