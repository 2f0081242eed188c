package io.switchboard.server.notifications;

import io.switchboard.server.storage.Times;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Channels and their topics in SQL ({@code notification_channels}, {@code notification_topics}).
 */
public final class ChannelStore {
  private static final RowMapper<Channel> ROW =
      (rs, ctx) ->
          new Channel(
              rs.getString("id"),
              rs.getString("org_id"),
              rs.getString("client_id"),
              rs.getString("token_id"),
              Times.read(rs, "created_at"),
              Times.read(rs, "expires_at"));

  private final Jdbi jdbi;

  public ChannelStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * Inserts the channel and deletes the owner's oldest beyond {@code keep}, in one transaction;
   * answers the ids deleted.
   */
  public List<String> insertKeepingNewest(Channel c, int keep) {
    return jdbi.inTransaction(h -> {
      h.createUpdate(
              "insert into notification_channels (id, org_id, client_id, token_id, created_at,"
                  + " expires_at) values (:id, :org, :client, :token, :created, :expires)")
          .bind("id", c.id())
          .bind("org", c.orgId())
          .bind("client", c.clientId())
          .bind("token", c.tokenId())
          .bind("created", Times.db(c.createdAt()))
          .bind("expires", Times.db(c.expiresAt()))
          .execute();
      List<String> ids =
          h.createQuery(
                  "select id from notification_channels where org_id = :org and client_id = :client"
                      + " order by created_at desc, id desc")
              .bind("org", c.orgId())
              .bind("client", c.clientId())
              .mapTo(String.class)
              .list();
      List<String> evicted = ids.size() > keep ? ids.subList(keep, ids.size()) : List.of();
      if (!evicted.isEmpty()) delete(h, evicted);
      return List.copyOf(evicted);
    });
  }

  private static void delete(Handle h, Collection<String> ids) {
    h.createUpdate("delete from notification_topics where channel_id in (<ids>)")
        .bindList("ids", ids)
        .execute();
    h.createUpdate("delete from notification_channels where id in (<ids>)")
        .bindList("ids", ids)
        .execute();
  }

  public Optional<Channel> find(String id) {
    return jdbi.withHandle(h ->
        h.createQuery("select * from notification_channels where id = :id")
            .bind("id", id)
            .map(ROW)
            .findOne());
  }

  /**
   * The owner's live channels, oldest first: all of them, or with {@code tokenId} only those that
   * token made.
   */
  public List<Channel> list(String orgId, String clientId, String tokenId, Instant now) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select * from notification_channels where org_id = :org and client_id = :client"
                    + (tokenId == null ? "" : " and token_id = :token")
                    + " and expires_at > :now order by created_at, id")
            .bind("org", orgId)
            .bind("client", clientId)
            .bind("token", tokenId)
            .bind("now", Times.db(now))
            .map(ROW)
            .list());
  }

  public List<String> topics(String channelId) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select topic from notification_topics where channel_id = :id order by added_at,"
                    + " topic")
            .bind("id", channelId)
            .mapTo(String.class)
            .list());
  }

  /** What a change of a channel's topics does, under the channel's row lock. */
  @FunctionalInterface
  public interface TopicChange {
    /** {@code current} in, the topics to have out (or an exception: nothing changes). */
    List<String> apply(List<String> current);
  }

  /** Empty when the channel is gone; else the topics after the change. */
  public Optional<List<String>> changeTopics(String channelId, Instant now, TopicChange change) {
    return jdbi.inTransaction(h -> {
      Optional<String> locked =
          h.createQuery("select id from notification_channels where id = :id for update")
              .bind("id", channelId)
              .mapTo(String.class)
              .findOne();
      if (locked.isEmpty()) return Optional.empty();
      List<String> current =
          h.createQuery(
                  "select topic from notification_topics where channel_id = :id order by"
                      + " added_at, topic")
              .bind("id", channelId)
              .mapTo(String.class)
              .list();
      List<String> wanted = change.apply(current);
      var removed = new java.util.LinkedHashSet<>(current);
      removed.removeAll(wanted);
      if (!removed.isEmpty())
        h.createUpdate("delete from notification_topics where channel_id = :id and topic in (<t>)")
            .bind("id", channelId)
            .bindList("t", List.copyOf(removed))
            .execute();
      var added = new java.util.LinkedHashSet<>(wanted);
      current.forEach(added::remove);
      if (!added.isEmpty()) {
        var batch =
            h.prepareBatch(
                "insert into notification_topics (channel_id, topic, added_at) values (:id, :t,"
                    + " :at)");
        for (String t : added)
          batch.bind("id", channelId).bind("t", t).bind("at", Times.db(now)).add();
        batch.execute();
      }
      return Optional.of(List.copyOf(wanted));
    });
  }

  /** Deletes expired channels; answers their ids. */
  public List<String> deleteExpired(Instant now) {
    return jdbi.inTransaction(h -> {
      List<String> ids =
          h.createQuery("select id from notification_channels where expires_at <= :now")
              .bind("now", Times.db(now))
              .mapTo(String.class)
              .list();
      if (!ids.isEmpty()) delete(h, ids);
      return ids;
    });
  }
}
