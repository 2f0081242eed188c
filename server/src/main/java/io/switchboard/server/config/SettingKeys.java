package io.switchboard.server.config;

import java.util.List;
import java.util.Locale;

/**
 * Every configuration key the server understands, with its default and meaning. The README's
 * configuration table is this list; {@code SettingKeysDocTest} keeps the two in step.
 */
public final class SettingKeys {
  private SettingKeys() {}

  public record Key(String name, String defaultValue, String description) {
    /** {@code storage.data-dir} is read from {@code SWITCHBOARD_STORAGE_DATA_DIR}. */
    public String envName() {
      return "SWITCHBOARD_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
  }

  public static final String HTTP_HOST = "http.host";
  public static final String HTTP_PORT = "http.port";
  public static final String HTTP_MAX_BODY = "http.max-body-bytes";
  public static final String HTTP_PUBLIC_URL = "http.public-url";
  public static final String HTTP_SHUTDOWN_GRACE = "http.shutdown-grace-seconds";
  public static final String TLS_PORT = "http.tls.port";
  public static final String TLS_KEYSTORE = "http.tls.keystore";
  public static final String TLS_KEYSTORE_PASSWORD = "http.tls.keystore-password";
  public static final String DATA_DIR = "storage.data-dir";
  public static final String JDBC_URL = "storage.jdbc-url";
  public static final String DB_USER = "storage.user";
  public static final String DB_PASSWORD = "storage.password";
  public static final String DB_POOL_SIZE = "storage.pool-size";
  public static final String TOKEN_DEFAULT_LIFETIME = "identity.default-token-lifetime-seconds";
  public static final String ACCESS_LOG = "log.access";
  public static final String CRYPTO_KEY = "crypto.key";
  public static final String CRYPTO_KEY_FILE = "crypto.key-file";
  public static final String EXTERNAL_MAX_CONCURRENT = "externalapis.max-concurrent-calls";
  public static final String EXTERNAL_MAX_RESPONSE = "externalapis.max-response-bytes";
  public static final String BREAKER_FAILURE_RATE = "externalapis.breaker.failure-rate-percent";
  public static final String BREAKER_MINIMUM_CALLS = "externalapis.breaker.minimum-calls";
  public static final String BREAKER_WINDOW = "externalapis.breaker.window-seconds";
  public static final String BREAKER_OPEN_MILLIS = "externalapis.breaker.open-millis";
  public static final String DEMO_CRM = "demo.crm-endpoint";

  public static final List<Key> ALL =
      List.of(
          new Key(HTTP_HOST, "127.0.0.1", "Address to bind. Use 0.0.0.0 to listen on every interface."),
          new Key(HTTP_PORT, "8080", "TCP port; 0 picks a free port (the bound URL is printed and written to DATA_DIR/server.json)."),
          new Key(HTTP_MAX_BODY, "1MiB", "Largest accepted request body; larger ones get 413 without being read."),
          new Key(HTTP_PUBLIC_URL, null, "Base URL that clients use, when behind a proxy (used in selfUri and printed URLs)."),
          new Key(HTTP_SHUTDOWN_GRACE, "20", "Seconds that in-flight requests get to finish on SIGTERM."),
          new Key(TLS_PORT, null, "Also serve HTTPS on this port (0 picks a free one) with the certificate in http.tls.keystore."),
          new Key(TLS_KEYSTORE, null, "PKCS#12 keystore with the server's certificate and key, for HTTPS."),
          new Key(TLS_KEYSTORE_PASSWORD, null, "Password of the keystore; prefer the environment variable to a file."),
          new Key(DATA_DIR, "./data", "Directory for the embedded H2 database, server.json and demo-credentials.json."),
          new Key(JDBC_URL, null, "JDBC URL of the database; empty means the embedded H2 file under the data directory. PostgreSQL: jdbc:postgresql://host:5432/db"),
          new Key(DB_USER, null, "Database user (PostgreSQL)."),
          new Key(DB_PASSWORD, null, "Database password (PostgreSQL). Prefer the environment variable to a file."),
          new Key(DB_POOL_SIZE, "16", "Maximum JDBC connections."),
          new Key(TOKEN_DEFAULT_LIFETIME, "86400", "Token lifetime for new OAuth clients that do not set one (300..172800)."),
          new Key(ACCESS_LOG, "true", "Write one structured access-log line per request."),
          new Key(CRYPTO_KEY, null, "Base64 of the 256-bit AES key that encrypts stored credentials. Prefer the environment variable. Empty: the key file is used (see crypto.key-file)."),
          new Key(CRYPTO_KEY_FILE, null, "File holding the credentials key (base64) when crypto.key is empty; default DATA_DIR/crypto.key, generated owner-only on first start if no credential is stored yet."),
          new Key(EXTERNAL_MAX_CONCURRENT, "1024", "Most outbound external-API calls (and so connections) in flight at once; a call waits for a slot within its own timeout."),
          new Key(EXTERNAL_MAX_RESPONSE, "1MiB", "Largest external-API response body read; a larger one is an invalid-response failure."),
          new Key(BREAKER_FAILURE_RATE, "50", "Circuit breaker: an external API's circuit opens when this percentage of its calls in the window failed (1..100)."),
          new Key(BREAKER_MINIMUM_CALLS, "10", "Circuit breaker: calls needed in the window before the failure rate is judged."),
          new Key(BREAKER_WINDOW, "60", "Circuit breaker: the sliding window, in seconds, over which the failure rate is computed."),
          new Key(BREAKER_OPEN_MILLIS, "30000", "Circuit breaker: how long an open circuit refuses calls before one trial call is let through."),
          new Key(DEMO_CRM, "false", "Serve the fake CRM used by the demo external APIs under /demo/crm (serve --demo turns it on)."));

  static Key require(String name, String source) {
    return ALL.stream()
        .filter(k -> k.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new ConfigException("unknown config key '" + name + "' in " + source));
  }
}
