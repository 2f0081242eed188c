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
  public static final String DB_POOL_WAIT = "storage.pool-wait-millis";
  public static final String TOKEN_DEFAULT_LIFETIME = "identity.default-token-lifetime-seconds";
  public static final String TOKEN_FAILURES_PER_MINUTE = "identity.token-failures-per-minute";
  public static final String TOKEN_ATTEMPTS_PER_MINUTE = "identity.token-attempts-per-minute";
  public static final String ACCESS_LOG = "log.access";

  /**
   * Global defaults of the platform.api limits are {@code limits.<limit key>}, e.g. {@code
   * limits.org.rate.per.minute}.
   */
  public static final String LIMITS_PREFIX = "limits.";

  public static final String LIMITS_REDIS_URL = "limits.redis-url";
  public static final String LIMITS_REDIS_PREFIX = "limits.redis-key-prefix";
  public static final String LIMITS_REDIS_TIMEOUT = "limits.redis-timeout-millis";
  public static final String LIMITS_REDIS_RETRY = "limits.redis-retry-millis";
  public static final String LIMITS_REDIS_LOCAL_PASS = "limits.redis-local-pass-millis";
  public static final String LIMITS_REDIS_LEASE = "limits.redis-lease-tokens";
  public static final String WRAPUP_WINDOW = "conversations.wrapup-window-seconds";
  public static final String AGENT_ANSWERS = "routing.agent-answers";
  public static final String SESSION_MAX_DATA = "sessions.max-data-bytes";
  public static final String SESSION_WRITE_LANES = "sessions.write-lanes";
  public static final String SCRIPTS_SERVED_REFRESH = "scripts.served-refresh-seconds";
  public static final String DEFINITIONS_REFRESH = "flows.definitions-refresh-seconds";
  public static final String IDEMPOTENCY_RETENTION = "idempotency.retention-seconds";
  public static final String FLOW_DEADLINE = "flows.deadline-millis";
  public static final String FLOW_EXECUTION_RETENTION = "flows.execution-retention-seconds";
  public static final String FLOW_MAX_DEFINITION = "flows.max-definition-bytes";
  public static final String CRYPTO_KEY = "crypto.key";
  public static final String CRYPTO_KEY_FILE = "crypto.key-file";
  public static final String EXTERNAL_MAX_CONCURRENT = "externalapis.max-concurrent-calls";
  public static final String EXTERNAL_MAX_RESPONSE = "externalapis.max-response-bytes";
  public static final String EGRESS_ALLOW = "externalapis.egress.allow";
  public static final String BREAKER_FAILURE_RATE = "externalapis.breaker.failure-rate-percent";
  public static final String BREAKER_MINIMUM_CALLS = "externalapis.breaker.minimum-calls";
  public static final String BREAKER_WINDOW = "externalapis.breaker.window-seconds";
  public static final String BREAKER_OPEN_MILLIS = "externalapis.breaker.open-millis";
  public static final String DEMO_CRM = "demo.crm-endpoint";
  public static final String METRICS_PER_ORG = "ops.metrics.per-org";
  public static final String METRICS_TOKEN = "ops.metrics.token";
  public static final String NOTIFICATIONS_CHANNEL_LIFE = "notifications.channel-life-seconds";
  public static final String NOTIFICATIONS_CLOSING_NOTICE = "notifications.closing-notice-seconds";
  public static final String NOTIFICATIONS_HEARTBEAT = "notifications.heartbeat-millis";
  public static final String NOTIFICATIONS_SOCKET_QUEUE = "notifications.socket-queue";
  public static final String NOTIFICATIONS_REDIS_CHANNEL = "notifications.redis-channel";

  public static final List<Key> ALL =
      List.of(
          new Key(
              HTTP_HOST, "127.0.0.1", "Address to bind. Use 0.0.0.0 to listen on every interface."),
          new Key(
              HTTP_PORT,
              "8080",
              "TCP port; 0 picks a free port (the bound URL is printed and written to"
                  + " DATA_DIR/server.json)."),
          new Key(
              HTTP_MAX_BODY,
              "1MiB",
              "Largest accepted request body; larger ones get 413 without being read."),
          new Key(
              HTTP_PUBLIC_URL,
              null,
              "Base URL that clients use, when behind a proxy (used in selfUri and printed URLs)."),
          new Key(
              HTTP_SHUTDOWN_GRACE,
              "20",
              "Seconds that in-flight requests get to finish on SIGTERM."),
          new Key(
              TLS_PORT,
              null,
              "Also serve HTTPS on this port (0 picks a free one) with the certificate in"
                  + " http.tls.keystore."),
          new Key(
              TLS_KEYSTORE,
              null,
              "PKCS#12 keystore with the server's certificate and key, for HTTPS."),
          new Key(
              TLS_KEYSTORE_PASSWORD,
              null,
              "Password of the keystore; prefer the environment variable to a file."),
          new Key(
              DATA_DIR,
              "./data",
              "Directory for the embedded H2 database, server.json and demo-credentials.json."),
          new Key(
              JDBC_URL,
              null,
              "JDBC URL of the database; empty means the embedded H2 file under the data directory."
                  + " PostgreSQL: jdbc:postgresql://host:5432/db"),
          new Key(DB_USER, null, "Database user (PostgreSQL)."),
          new Key(
              DB_PASSWORD,
              null,
              "Database password (PostgreSQL). Prefer the environment variable to a file."),
          new Key(
              DB_POOL_SIZE,
              null,
              "Maximum JDBC connections; empty means 64 for the embedded H2 (in-process connections"
                  + " are cheap, and fewer make 64 concurrent requests queue for one) and 16 for"
                  + " PostgreSQL."),
          new Key(
              DB_POOL_WAIT,
              "2000",
              "Milliseconds a request waits for a free database connection (250..60000); then 503"
                  + " service.unavailable with Retry-After: 1. /health is bounded by it too."),
          new Key(
              TOKEN_DEFAULT_LIFETIME,
              "86400",
              "Token lifetime for new OAuth clients that do not set one (300..172800)."),
          new Key(
              TOKEN_FAILURES_PER_MINUTE,
              "10",
              "Failed POST /oauth/token attempts allowed per minute per client id and per remote"
                  + " address; then 429 with Retry-After, before any secret is checked (0 = no"
                  + " limit). Failed sign-ins have buckets of their own with this limit, per user"
                  + " and per address."),
          new Key(
              TOKEN_ATTEMPTS_PER_MINUTE,
              "600",
              "POST /oauth/token requests allowed per minute per client id and per remote address,"
                  + " failed or not (0 = no limit)."),
          new Key(ACCESS_LOG, "true", "Write one structured access-log line per request."),
          new Key(
              LIMITS_PREFIX + "client.credentials.token.rate.per.minute",
              "300",
              "Requests per minute per access token (0 = no limit). An org can override it."),
          new Key(
              LIMITS_PREFIX + "client.rate.per.minute",
              "0",
              "Requests per minute per OAuth client, all its tokens together (0 = no limit)."),
          new Key(
              LIMITS_PREFIX + "org.rate.per.minute",
              "0",
              "Requests per minute per org, all its clients together (0 = no limit)."),
          new Key(
              LIMITS_PREFIX + "group.scripts.rate.per.minute",
              "0",
              "Requests per minute per org to /api/v2/scripts (0 = no limit)."),
          new Key(
              LIMITS_PREFIX + "group.sessions.rate.per.minute",
              "0",
              "Requests per minute per org to /api/v2/agent-scripting (0 = no limit)."),
          new Key(
              LIMITS_PREFIX + "group.conversations.rate.per.minute",
              "0",
              "Requests per minute per org to conversations, wrap-ups and wrap-up codes (0 = no"
                  + " limit)."),
          new Key(
              LIMITS_PREFIX + "group.architect.rate.per.minute",
              "0",
              "Requests per minute per org to /api/v2/architect and /api/v2/flows (0 = no limit)."),
          new Key(
              LIMITS_PREFIX + "group.integrations.rate.per.minute",
              "0",
              "Requests per minute per org to /api/v2/integrations (0 = no limit)."),
          new Key(
              LIMITS_PREFIX + "group.oauth.rate.per.minute",
              "0",
              "Requests per minute per org to /api/v2/oauth and /api/v2/tokens (0 = no limit)."),
          new Key(
              LIMITS_PREFIX + "group.notifications.rate.per.minute",
              "0",
              "Requests per minute per org to /api/v2/notifications (0 = no limit)."),
          new Key(
              LIMITS_PREFIX + "group.organization.rate.per.minute",
              "0",
              "Requests per minute per org to /api/v2/organizations (0 = no limit)."),
          new Key(
              LIMITS_PREFIX + "group.users.rate.per.minute",
              "0",
              "Requests per minute per org to /api/v2/users (0 = no limit)."),
          new Key(
              LIMITS_PREFIX + "group.other.rate.per.minute",
              "0",
              "Requests per minute per org to any other /api/v2 path (0 = no limit)."),
          new Key(
              LIMITS_REDIS_URL,
              null,
              "Redis URL (redis://host:6379/0) for rate-limit buckets shared by every node, and for"
                  + " notifications between nodes; empty keeps buckets in memory."),
          new Key(
              LIMITS_REDIS_PREFIX,
              "switchboard:ratelimit:",
              "Prefix of every Redis key the rate limiter writes."),
          new Key(
              LIMITS_REDIS_TIMEOUT,
              "500",
              "Milliseconds a Redis command may take before the node falls back to its in-memory"
                  + " buckets."),
          new Key(
              LIMITS_REDIS_RETRY,
              "1000",
              "Milliseconds a node keeps its in-memory fallback after a Redis failure before it"
                  + " tries Redis again."),
          new Key(
              LIMITS_REDIS_LOCAL_PASS,
              "0",
              "Milliseconds (0..1000) for which a node may pass a request without asking Redis"
                  + " when every bucket it draws from was well above its margin in Redis's last"
                  + " answer (docs/rate-limits.md: fewer round trips, a bounded overshoot across"
                  + " nodes, and a limit change reaching other nodes only after this long); 0 ="
                  + " every request asks Redis."),
          new Key(
              LIMITS_REDIS_LEASE,
              "100",
              "Most tokens (0..10000) a node takes ahead from a Redis bucket of 1,000 or more, at"
                  + " most a hundredth of its limit and never below its margin"
                  + " (docs/rate-limits.md: leases; at most a lease and a half per node and bucket"
                  + " over the limit in a window, or held back from the others for up to a second);"
                  + " 0 = every request asks Redis."),
          new Key(
              AGENT_ANSWERS,
              "false",
              "A call the ACD assigns alerts the agent, who answers it (participant state"
                  + " connected); false: the ACD connects the agent at once (auto-answer)."),
          new Key(
              WRAPUP_WINDOW,
              "600",
              "Seconds after a participant disconnects during which a wrap-up is accepted"
                  + " (1..604800); later is 409 wrapup.window.closed."),
          new Key(
              SESSION_MAX_DATA,
              "64KiB",
              "Largest script session data (its JSON, in bytes, at most 1MiB); a write that would"
                  + " exceed it is 413."),
          new Key(
              SESSION_WRITE_LANES,
              "auto",
              "Session writes of this node are committed in batches across sessions, one batch at a"
                  + " time per lane (0..64; a session always in the same lane); 0 is one batch per"
                  + " session; auto is 4 on PostgreSQL (a commit waits for the disk: batches save"
                  + " commits) and 0 on H2 (no wait to share: concurrent transactions are"
                  + " faster)."),
          new Key(
              SCRIPTS_SERVED_REFRESH,
              "5",
              "Seconds after which a node reads again which version of a published script it serves"
                  + " (1..3600): publishes and deletes reach every node at once through the"
                  + " cluster's signal; this bounds a signal that was lost."),
          new Key(
              DEFINITIONS_REFRESH,
              "5",
              "Seconds after which a node reads again a flow (its published version) or an external"
                  + " API it runs (1..3600): changes reach every node at once through the cluster's"
                  + " signal; this bounds a signal that was lost."),
          new Key(
              IDEMPOTENCY_RETENTION,
              "86400",
              "Seconds an Idempotency-Key's first response is kept and replayed (60..604800)."),
          new Key(
              FLOW_DEADLINE,
              "10000",
              "Default deadline of a flow execution in milliseconds (100..120000); a flow's own"
                  + " deadline: setting wins. Past it the error-handling route runs."),
          new Key(
              FLOW_EXECUTION_RETENTION,
              "604800",
              "Seconds a flow execution and its trace are kept before they are pruned"
                  + " (60..31536000)."),
          new Key(
              FLOW_MAX_DEFINITION,
              "256KiB",
              "Largest flow definition (YAML or JSON) accepted by PUT .../latestconfiguration;"
                  + " larger is 413."),
          new Key(
              NOTIFICATIONS_CHANNEL_LIFE,
              "86400",
              "Seconds a notification channel lives (2..604800), as Genesys's 24 hours; then its"
                  + " socket is closed (4002) and the channel deleted."),
          new Key(
              NOTIFICATIONS_CLOSING_NOTICE,
              "60",
              "Seconds before a channel expires that its socket gets v2.system.socket_closing."),
          new Key(
              NOTIFICATIONS_HEARTBEAT,
              "30000",
              "Milliseconds between the WebSocket Heartbeat messages each socket gets."),
          new Key(
              NOTIFICATIONS_SOCKET_QUEUE,
              "1000",
              "Messages queued per socket for a slow reader; beyond, the socket is closed (1013)"
                  + " rather than slowing writers."),
          new Key(
              NOTIFICATIONS_REDIS_CHANNEL,
              "switchboard:notifications",
              "Redis pub/sub channel carrying notifications between nodes (when limits.redis-url"
                  + " is set)."),
          new Key(
              CRYPTO_KEY,
              null,
              "Base64 of the 256-bit AES key that encrypts stored credentials. Prefer the"
                  + " environment variable. Empty: the key file is used (see crypto.key-file)."),
          new Key(
              CRYPTO_KEY_FILE,
              null,
              "File holding the credentials key (base64) when crypto.key is empty; default"
                  + " DATA_DIR/crypto.key, generated owner-only on first start if no credential is"
                  + " stored yet."),
          new Key(
              EXTERNAL_MAX_CONCURRENT,
              "1024",
              "Most outbound external-API calls (and so connections) in flight at once; a call"
                  + " waits for a slot within its own timeout."),
          new Key(
              EXTERNAL_MAX_RESPONSE,
              "1MiB",
              "Largest external-API response body read; a larger one is an invalid-response"
                  + " failure."),
          new Key(
              EGRESS_ALLOW,
              null,
              "Comma-separated (or a YAML list) CIDR blocks, addresses and host names (*.domain for"
                  + " subdomains) that external APIs and OAuth2 token URLs may reach although they"
                  + " are loopback, private, link-local, multicast or this machine's own; see"
                  + " SECURITY.md."),
          new Key(
              BREAKER_FAILURE_RATE,
              "50",
              "Circuit breaker: an external API's circuit opens when this percentage of its calls"
                  + " in the window failed (1..100)."),
          new Key(
              BREAKER_MINIMUM_CALLS,
              "10",
              "Circuit breaker: calls needed in the window before the failure rate is judged."),
          new Key(
              BREAKER_WINDOW,
              "60",
              "Circuit breaker: the sliding window, in seconds, over which the failure rate is"
                  + " computed."),
          new Key(
              BREAKER_OPEN_MILLIS,
              "30000",
              "Circuit breaker: how long an open circuit refuses calls before one trial call is let"
                  + " through."),
          new Key(
              DEMO_CRM,
              "false",
              "Serve the fake CRM used by the demo external APIs under /demo/crm (serve --demo"
                  + " turns it on)."),
          new Key(
              METRICS_PER_ORG,
              "false",
              "Tag /metrics series with the org id (rate-limit counters). Off: totals only, so a"
                  + " scrape does not list orgs."),
          new Key(
              METRICS_TOKEN,
              null,
              "When set, GET /metrics needs Authorization: Bearer <this token>. Prefer the"
                  + " environment variable."));

  static Key require(String name, String source) {
    return ALL.stream()
        .filter(k -> k.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new ConfigException("unknown config key '" + name + "' in " + source));
  }
}
