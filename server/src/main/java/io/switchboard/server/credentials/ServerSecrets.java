package io.switchboard.server.credentials;

import io.switchboard.server.storage.SqlErrors;
import io.switchboard.server.storage.Times;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The server's own secrets (table {@code server_secrets}): random keys every node of a cluster
 * shares, sealed with the credentials key ({@link SecretBox}) so that a copy of the database file
 * or a database dump alone mints no token. Each value is bound to its name by the associated data.
 *
 * <p>A value an older version wrote in clear ({@code key_id} null) is sealed in place when first
 * read.
 */
public final class ServerSecrets {
  /** The HS256 key of access tokens. */
  public static final String TOKEN_SIGNING_KEY = "token-signing-key";

  /** The HMAC key of {@code /query} continuation tokens. */
  public static final String CONTINUATION_TOKEN_KEY = "continuation-token-key";

  /**
   * Keys that {@code credentials rotate-key} replaces by new random ones (tokens made with the old
   * ones fail).
   */
  static final Set<String> RENEWED_ON_ROTATION = Set.of(TOKEN_SIGNING_KEY, CONTINUATION_TOKEN_KEY);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Jdbi jdbi;
  private final SecretBox box;
  private final Clock clock;

  public ServerSecrets(Jdbi jdbi, SecretBox box, Clock clock) {
    this.jdbi = jdbi;
    this.box = box;
    this.clock = clock;
  }

  private record Row(String name, String value, String keyId) {
    @Override
    public String toString() {
      return "ServerSecret[name=" + name + ", keyId=" + keyId + "]";
    }
  }

  /** The credentials key, for the credential service: the one box of the server. */
  public SecretBox box() {
    return box;
  }

  /** The named 256-bit key, created on first use; concurrent nodes agree on one value. */
  public byte[] key(String name) {
    Optional<Row> row = read(name);
    if (row.isEmpty()) {
      // Another node may insert first; then its value wins and ours is dropped as a duplicate.
      String sealed =
          box.seal(newKeyBase64().getBytes(StandardCharsets.US_ASCII), associatedData(name));
      SqlErrors.insertUnlessDuplicate(() ->
          jdbi.useHandle(h ->
              h.createUpdate(
                      "insert into server_secrets (name, secret_value, key_id, created_at) values"
                          + " (:n, :v, :kid, :at)")
                  .bind("n", name)
                  .bind("v", sealed)
                  .bind("kid", box.keyId())
                  .bind("at", Times.db(clock.instant()))
                  .execute()));
      row = read(name);
    }
    Row r =
        row.orElseThrow(
            () -> new IllegalStateException("server secret " + name + " could not be stored"));
    if (r.keyId() == null) {
      // Written in clear by an older version: seal it now (same value, so issued tokens stay
      // valid).
      jdbi.useHandle(h ->
          h.createUpdate(
                  "update server_secrets set secret_value = :v, key_id = :kid where name = :n and"
                      + " key_id is null")
              .bind(
                  "v",
                  box.seal(r.value().getBytes(StandardCharsets.US_ASCII), associatedData(name)))
              .bind("kid", box.keyId())
              .bind("n", name)
              .execute());
      return Base64.getDecoder().decode(r.value());
    }
    if (!r.keyId().equals(box.keyId())) {
      throw new IllegalStateException(
          "server secret "
              + name
              + " is sealed with key id "
              + r.keyId()
              + " but the configured key is "
              + box.keyId());
    }
    return Base64.getDecoder().decode(box.open(r.value(), associatedData(name)));
  }

  /** How many sealed server secrets each key id holds (the start-up key check reads this). */
  public static Map<String, Long> countByKeyId(Jdbi jdbi) {
    var out = new LinkedHashMap<String, Long>();
    jdbi.useHandle(h ->
        h.createQuery(
                "select key_id, count(*) as n from server_secrets where key_id is not null group by"
                    + " key_id order by key_id")
            .map((rs, ctx) -> Map.entry(rs.getString("key_id"), rs.getLong("n")))
            .forEach(e -> out.put(e.getKey(), e.getValue())));
    return out;
  }

  /**
   * Within {@code h}'s transaction: re-seals every server secret under {@code to}; the
   * token-signing and page-token keys are replaced by new random ones instead, so every token
   * issued before stops working. Rows already on {@code to} are left alone (a repeated run changes
   * nothing). Returns the rows changed.
   */
  static int rotate(Handle h, SecretBox from, SecretBox to) {
    List<Row> rows =
        h.createQuery(
                "select name, secret_value, key_id from server_secrets order by name for update")
            .map((rs, ctx) ->
                new Row(rs.getString("name"), rs.getString("secret_value"), rs.getString("key_id")))
            .list();
    int changed = 0;
    for (Row r : rows) {
      if (to.keyId().equals(r.keyId())) continue;
      if (r.keyId() != null && !r.keyId().equals(from.keyId())) {
        throw new IllegalStateException(
            "server secret "
                + r.name()
                + " is sealed with key id "
                + r.keyId()
                + ", which is neither the current key ("
                + from.keyId()
                + ") nor the new one ("
                + to.keyId()
                + "); nothing was changed");
      }
      byte[] plain;
      if (RENEWED_ON_ROTATION.contains(r.name()))
        plain = newKeyBase64().getBytes(StandardCharsets.US_ASCII);
      else
        plain =
            r.keyId() == null
                ? r.value().getBytes(StandardCharsets.US_ASCII)
                : from.open(r.value(), associatedData(r.name()));
      try {
        h.createUpdate("update server_secrets set secret_value = :v, key_id = :kid where name = :n")
            .bind("v", to.seal(plain, associatedData(r.name())))
            .bind("kid", to.keyId())
            .bind("n", r.name())
            .execute();
      } finally {
        java.util.Arrays.fill(plain, (byte) 0);
      }
      changed++;
    }
    return changed;
  }

  private static String associatedData(String name) {
    return "server-secret:" + name;
  }

  private Optional<Row> read(String name) {
    return jdbi.withHandle(h ->
        h.createQuery("select name, secret_value, key_id from server_secrets where name = :n")
            .bind("n", name)
            .map((rs, ctx) ->
                new Row(rs.getString("name"), rs.getString("secret_value"), rs.getString("key_id")))
            .findOne());
  }

  private static String newKeyBase64() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }
}
