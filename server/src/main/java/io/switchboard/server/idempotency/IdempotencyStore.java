package io.switchboard.server.idempotency;

import io.switchboard.server.storage.SqlErrors;
import io.switchboard.server.storage.Times;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleConsumer;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Idempotency-Key records in SQL, so every node of a cluster sees the same keys. Each method is one
 * statement; the primary key (org, key) decides which of two concurrent first requests runs. {@link
 * #complete(Handle, String, String, String, int, String, String)} runs in the request's own
 * transaction, so the stored response and the write it reports commit together.
 */
public final class IdempotencyStore {
  static final String RUNNING = "running";
  static final String DONE = "done";

  /** A stored key: its request fingerprint, its state and, once done, the response to replay. */
  public record Entry(
      String orgId,
      String key,
      String fingerprint,
      String state,
      String ownerToken,
      Integer status,
      String headers,
      String body,
      Instant createdAt,
      Instant lockedUntil,
      Instant expiresAt) {}

  private static final RowMapper<Entry> ENTRY =
      (rs, ctx) ->
          new Entry(
              rs.getString("org_id"),
              rs.getString("idem_key"),
              rs.getString("fingerprint"),
              rs.getString("state"),
              rs.getString("owner_token"),
              rs.getObject("status", Integer.class),
              rs.getString("headers"),
              rs.getString("body"),
              Times.read(rs, "created_at"),
              Times.read(rs, "locked_until"),
              Times.read(rs, "expires_at"));

  private final Jdbi jdbi;

  public IdempotencyStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Claims a new key for a running request; false when the (org, key) row already exists. */
  public boolean tryInsert(
      String orgId,
      String key,
      String fingerprint,
      String owner,
      Instant now,
      Instant lockedUntil,
      Instant expiresAt) {
    return SqlErrors.insertUnlessDuplicate(() ->
        jdbi.useHandle(h ->
            h.createUpdate(
                    "insert into idempotency_records (org_id, idem_key, fingerprint, state,"
                        + " owner_token, created_at, locked_until, expires_at) values (:org, :key,"
                        + " :fp, :state, :owner, :now, :locked, :expires)")
                .bind("org", orgId)
                .bind("key", key)
                .bind("fp", fingerprint)
                .bind("state", RUNNING)
                .bind("owner", owner)
                .bind("now", Times.db(now))
                .bind("locked", Times.db(lockedUntil))
                .bind("expires", Times.db(expiresAt))
                .execute()));
  }

  public Optional<Entry> find(String orgId, String key) {
    return jdbi.withHandle(h ->
        h.createQuery("select * from idempotency_records where org_id = :org and idem_key = :key")
            .bind("org", orgId)
            .bind("key", key)
            .map(ENTRY)
            .findOne());
  }

  /**
   * Claims a key whose retention ended or whose running request was abandoned (its lease ran out,
   * e.g. the node died). The condition is re-checked in the UPDATE, so of two takers exactly one
   * wins.
   */
  public boolean takeOver(
      String orgId,
      String key,
      String fingerprint,
      String owner,
      Instant now,
      Instant lockedUntil,
      Instant expiresAt) {
    return jdbi.withHandle(h ->
        h.createUpdate(
                "update idempotency_records set fingerprint = :fp, state = :running, owner_token ="
                    + " :owner, status = null, headers = null, body = null, created_at = :now,"
                    + " locked_until = :locked, expires_at = :expires where org_id = :org and"
                    + " idem_key = :key and (expires_at <= :now or (state = :running and"
                    + " locked_until <= :now))")
            .bind("fp", fingerprint)
            .bind("running", RUNNING)
            .bind("owner", owner)
            .bind("now", Times.db(now))
            .bind("locked", Times.db(lockedUntil))
            .bind("expires", Times.db(expiresAt))
            .bind("org", orgId)
            .bind("key", key)
            .execute())
        == 1;
  }

  /**
   * Runs {@code work} in one transaction. Stores that use this store's {@link Jdbi} on the same
   * thread join it (JDBI hands nested {@code withHandle}/{@code inTransaction} calls the thread's
   * open handle).
   */
  public <X extends Exception> void inTransaction(HandleConsumer<X> work) throws X {
    jdbi.useTransaction(work);
  }

  /**
   * Stores the response of the running request {@code owner}; false if the key is no longer its
   * own.
   */
  public boolean complete(
      String orgId, String key, String owner, int status, String headers, String body) {
    return jdbi.withHandle(h -> complete(h, orgId, key, owner, status, headers, body));
  }

  /** {@link #complete(String, String, String, int, String, String)} in the caller's transaction. */
  public boolean complete(
      Handle h, String orgId, String key, String owner, int status, String headers, String body) {
    return h.createUpdate(
                "update idempotency_records set state = :done, status = :status, headers ="
                    + " :headers, body = :body where org_id = :org and idem_key = :key and"
                    + " owner_token = :owner and state = :running")
            .bind("done", DONE)
            .bind("status", status)
            .bind("headers", headers)
            .bind("body", body)
            .bind("org", orgId)
            .bind("key", key)
            .bind("owner", owner)
            .bind("running", RUNNING)
            .execute()
        == 1;
  }

  /** Frees a key whose request failed, so a retry runs afresh. */
  public void release(String orgId, String key, String owner) {
    jdbi.useHandle(h -> release(h, orgId, key, owner));
  }

  /** {@link #release(String, String, String)} in the caller's transaction. */
  public void release(Handle h, String orgId, String key, String owner) {
    h.createUpdate(
            "delete from idempotency_records where org_id = :org and idem_key = :key and"
                + " owner_token = :owner and state = :running")
        .bind("org", orgId)
        .bind("key", key)
        .bind("owner", owner)
        .bind("running", RUNNING)
        .execute();
  }

  public int purgeExpired(Instant now) {
    return jdbi.withHandle(h ->
        h.createUpdate("delete from idempotency_records where expires_at <= :now")
            .bind("now", Times.db(now))
            .execute());
  }
}
