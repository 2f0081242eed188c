package io.switchboard.server.identity;

import io.switchboard.server.storage.SqlErrors;
import io.switchboard.server.storage.Times;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Orgs, OAuth clients and revoked tokens in SQL (server secrets: {@code
 * credentials.ServerSecrets}).
 */
public final class IdentityStore {
  private static final RowMapper<OAuthClient> CLIENT =
      (rs, ctx) ->
          new OAuthClient(
              rs.getString("id"),
              rs.getString("org_id"),
              rs.getString("name"),
              rs.getString("description"),
              rs.getString("secret_hash"),
              new LinkedHashSet<>(
                  Arrays.stream(rs.getString("scopes").split(","))
                      .filter(s -> !s.isBlank())
                      .toList()),
              rs.getInt("token_ttl_seconds"),
              Times.read(rs, "created_at"),
              Times.read(rs, "secret_rotated_at"),
              rs.getString("grant_type"),
              rs.getString("redirect_uris") == null
                  ? List.of()
                  : Arrays.stream(rs.getString("redirect_uris").split("\n"))
                      .filter(s -> !s.isBlank())
                      .toList(),
              List.of(),
              Times.read(rs, "modified_at"),
              Times.read(rs, "tokens_valid_from"));
  private static final RowMapper<Org> ORG =
      (rs, ctx) -> new Org(rs.getString("id"), rs.getString("name"), Times.read(rs, "created_at"));

  private final Jdbi jdbi;

  public IdentityStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public <T> T inTransaction(org.jdbi.v3.core.HandleCallback<T, RuntimeException> work) {
    return jdbi.inTransaction(work);
  }

  public void insertOrg(Handle h, Org org) {
    h.createUpdate("insert into orgs (id, name, created_at) values (:id, :name, :at)")
        .bind("id", org.id())
        .bind("name", org.name())
        .bind("at", Times.db(org.createdAt()))
        .execute();
  }

  public Optional<Org> findOrg(String id) {
    return jdbi.withHandle(
        h -> h.createQuery("select * from orgs where id = :id").bind("id", id).map(ORG).findOne());
  }

  public Optional<Org> findOrgByName(String name) {
    return jdbi.withHandle(h ->
        h.createQuery("select * from orgs where name = :name")
            .bind("name", name)
            .map(ORG)
            .findOne());
  }

  public List<Org> listOrgs() {
    return jdbi.withHandle(h -> h.createQuery("select * from orgs order by name").map(ORG).list());
  }

  public void insertClient(Handle h, OAuthClient c) {
    h.createUpdate(
            "insert into oauth_clients (id, org_id, name, description, secret_hash, scopes,"
                + " token_ttl_seconds, created_at, secret_rotated_at, grant_type, redirect_uris)"
                + " values (:id, :org, :name, :description, :hash, :scopes, :ttl, :created,"
                + " :rotated, :grantType, :redirectUris)")
        .bind("id", c.id())
        .bind("org", c.orgId())
        .bind("name", c.name())
        .bind("description", c.description())
        .bind("hash", c.secretHash())
        .bind("scopes", String.join(",", c.scopes()))
        .bind("ttl", c.tokenLifetimeSeconds())
        .bind("created", Times.db(c.createdAt()))
        .bind("rotated", Times.db(c.secretRotatedAt()))
        .bind("grantType", c.grantType())
        .bind("redirectUris", String.join("\n", c.redirectUris()))
        .execute();
    insertRoles(h, c);
  }

  private static void insertRoles(Handle h, OAuthClient c) {
    for (var rd : c.roleDivisions())
      h.createUpdate(
              "insert into oauth_client_roles (client_id, org_id, role_id, division_id) values"
                  + " (:client, :org, :role, :division)")
          .bind("client", c.id())
          .bind("org", c.orgId())
          .bind("role", rd.roleId())
          .bind("division", rd.divisionId())
          .execute();
  }

  /** The org's client, its row locked until the transaction ends (a PUT decides on it). */
  public Optional<OAuthClient> lockClient(Handle h, String orgId, String id) {
    return h.createQuery("select * from oauth_clients where id = :id and org_id = :org for update")
        .bind("id", id)
        .bind("org", orgId)
        .map(CLIENT)
        .findOne()
        .map(c -> withRoles(h, c));
  }

  /**
   * Replaces what a PUT may change, and its role grants; {@code tokensValidFrom} only moves
   * forward. The secret and its rotation time are never written here. False when the client is not
   * the org's.
   */
  public boolean updateClient(Handle h, OAuthClient c) {
    String endTokens =
        c.tokensValidFrom() == null
            ? ""
            : ", tokens_valid_from = case when tokens_valid_from is null or tokens_valid_from <"
                + " :validFrom then :validFrom else tokens_valid_from end";
    int rows =
        h.createUpdate(
                "update oauth_clients set name = :name, description = :description, scopes ="
                    + " :scopes, token_ttl_seconds = :ttl, grant_type = :grantType, redirect_uris ="
                    + " :redirectUris, modified_at = :modified"
                    + endTokens
                    + " where id = :id and org_id = :org")
            .bind("name", c.name())
            .bind("description", c.description())
            .bind("scopes", String.join(",", c.scopes()))
            .bind("ttl", c.tokenLifetimeSeconds())
            .bind("grantType", c.grantType())
            .bind("redirectUris", String.join("\n", c.redirectUris()))
            .bind("modified", Times.db(c.modifiedAt()))
            .bindMap(
                c.tokensValidFrom() == null
                    ? Map.of()
                    : Map.of("validFrom", Times.db(c.tokensValidFrom())))
            .bind("id", c.id())
            .bind("org", c.orgId())
            .execute();
    if (rows == 0) return false;
    h.createUpdate("delete from oauth_client_roles where client_id = :id")
        .bind("id", c.id())
        .execute();
    insertRoles(h, c);
    return true;
  }

  /** The client with its role grants. */
  private static OAuthClient withRoles(Handle h, OAuthClient c) {
    var grants =
        h.createQuery(
                "select role_id, division_id from oauth_client_roles where client_id = :id order"
                    + " by role_id, division_id")
            .bind("id", c.id())
            .map((rs, ctx) ->
                new OAuthClient.RoleDivision(rs.getString("role_id"), rs.getString("division_id")))
            .list();
    if (grants.isEmpty()) return c;
    return new OAuthClient(
        c.id(),
        c.orgId(),
        c.name(),
        c.description(),
        c.secretHash(),
        c.scopes(),
        c.tokenLifetimeSeconds(),
        c.createdAt(),
        c.secretRotatedAt(),
        c.grantType(),
        c.redirectUris(),
        grants,
        c.modifiedAt(),
        c.tokensValidFrom());
  }

  public Optional<OAuthClient> findClient(String id) {
    return jdbi.withHandle(h ->
        h.createQuery("select * from oauth_clients where id = :id")
            .bind("id", id)
            .map(CLIENT)
            .findOne()
            .map(c -> withRoles(h, c)));
  }

  public List<OAuthClient> listClients(String orgId, int offset, int limit) {
    return jdbi.withHandle(h ->
        h
            .createQuery(
                "select * from oauth_clients where org_id = :org order by name, id limit :limit"
                    + " offset :offset")
            .bind("org", orgId)
            .bind("limit", limit)
            .bind("offset", offset)
            .map(CLIENT)
            .list()
            .stream()
            .map(c -> withRoles(h, c))
            .toList());
  }

  public long countClients(String orgId) {
    return jdbi.withHandle(h ->
        h.createQuery("select count(*) from oauth_clients where org_id = :org")
            .bind("org", orgId)
            .mapTo(Long.class)
            .one());
  }

  public boolean deleteClient(String orgId, String id) {
    return jdbi.withHandle(h ->
        h.createUpdate("delete from oauth_clients where id = :id and org_id = :org")
            .bind("id", id)
            .bind("org", orgId)
            .execute())
        > 0;
  }

  public boolean updateRedirectUris(String orgId, String id, List<String> redirectUris) {
    return jdbi.withHandle(h ->
        h.createUpdate(
                "update oauth_clients set redirect_uris = :uris where id = :id and org_id = :org")
            .bind("uris", String.join("\n", redirectUris))
            .bind("id", id)
            .bind("org", orgId)
            .execute())
        > 0;
  }

  public boolean updateSecret(String orgId, String id, String hash, Instant at) {
    return jdbi.withHandle(h ->
        h.createUpdate(
                "update oauth_clients set secret_hash = :hash, secret_rotated_at = :at where id ="
                    + " :id and org_id = :org")
            .bind("hash", hash)
            .bind("at", Times.db(at))
            .bind("id", id)
            .bind("org", orgId)
            .execute())
        > 0;
  }

  public void revoke(String jti, Instant expiresAt, Instant now) {
    // Revoking twice (or from two nodes at once) is harmless: the second insert is a duplicate,
    // ignored.
    SqlErrors.insertUnlessDuplicate(() ->
        jdbi.useHandle(h ->
            h.createUpdate(
                    "insert into revoked_tokens (jti, expires_at, revoked_at) values (:jti, :exp,"
                        + " :now)")
                .bind("jti", jti)
                .bind("exp", Times.db(expiresAt))
                .bind("now", Times.db(now))
                .execute()));
  }

  /** Revocations recorded since {@code since} that have not yet expired. */
  public List<Revocation> revokedSince(Instant since, Instant now) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select jti, expires_at, revoked_at from revoked_tokens where revoked_at >= :since"
                    + " and expires_at > :now")
            .bind("since", Times.db(since))
            .bind("now", Times.db(now))
            .map((rs, c) ->
                new Revocation(
                    rs.getString("jti"),
                    Times.read(rs, "expires_at"),
                    Times.read(rs, "revoked_at")))
            .list());
  }

  public int purgeExpiredRevocations(Instant now) {
    return jdbi.withHandle(h ->
        h.createUpdate("delete from revoked_tokens where expires_at <= :now")
            .bind("now", Times.db(now))
            .execute());
  }

  /** An issued authorization code, as stored (only the code's SHA-256 is kept). */
  public record StoredCode(
      String codeHash,
      String orgId,
      String clientId,
      String userId,
      String redirectUri,
      String codeChallenge,
      Instant expiresAt) {}

  /** Stores a new code, and drops codes that expired (none outlives its minute by much). */
  public void insertCode(StoredCode c, Instant now) {
    jdbi.useTransaction(h -> {
      h.createUpdate("delete from authorization_codes where expires_at < :now")
          .bind("now", Times.db(now))
          .execute();
      h.createUpdate(
              "insert into authorization_codes (code_hash, org_id, client_id, user_id,"
                  + " redirect_uri, code_challenge, expires_at) values (:hash, :org, :client,"
                  + " :user, :redirect, :challenge, :expires)")
          .bind("hash", c.codeHash())
          .bind("org", c.orgId())
          .bind("client", c.clientId())
          .bind("user", c.userId())
          .bind("redirect", c.redirectUri())
          .bind("challenge", c.codeChallenge())
          .bind("expires", Times.db(c.expiresAt()))
          .execute();
    });
  }

  /**
   * Redeems a code: reads and deletes it in one transaction; empty when there is none or another
   * request redeemed it first (the delete decides), so a code works at most once.
   */
  public Optional<StoredCode> takeCode(String codeHash) {
    return jdbi.inTransaction(h -> {
      Optional<StoredCode> found =
          h.createQuery("select * from authorization_codes where code_hash = :hash")
              .bind("hash", codeHash)
              .map((rs, ctx) ->
                  new StoredCode(
                      rs.getString("code_hash"),
                      rs.getString("org_id"),
                      rs.getString("client_id"),
                      rs.getString("user_id"),
                      rs.getString("redirect_uri"),
                      rs.getString("code_challenge"),
                      Times.read(rs, "expires_at")))
              .findOne();
      if (found.isEmpty()) return Optional.<StoredCode>empty();
      int deleted =
          h.createUpdate("delete from authorization_codes where code_hash = :hash")
              .bind("hash", codeHash)
              .execute();
      return deleted == 1 ? found : Optional.<StoredCode>empty();
    });
  }

  public record Revocation(String jti, Instant expiresAt, Instant revokedAt) {}
}
