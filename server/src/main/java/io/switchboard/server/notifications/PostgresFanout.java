package io.switchboard.server.notifications;

import io.switchboard.server.storage.Times;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * PostgreSQL LISTEN/NOTIFY between the nodes of a cluster without Redis. One pooled connection per
 * node listens; one sender thread notifies, in the order envelopes were sent. A payload beyond what
 * NOTIFY carries (8000 bytes) goes through {@code notification_outbox} and the notification names
 * its row. At most once, like Redis pub/sub: a node whose listening connection is being replaced
 * misses what is sent meanwhile. The channel name includes the schema, so schemas sharing a
 * database do not hear each other.
 */
final class PostgresFanout implements Fanout {
  private static final Logger log = LoggerFactory.getLogger(PostgresFanout.class);
  private static final int MAX_PAYLOAD = 7000;
  private static final String REF = "ref:";
  private static final int QUEUE = 10_000;

  private final Jdbi jdbi;
  private final JsonMapper mapper;
  private final Clock clock;
  private final LinkedBlockingQueue<Envelope> outgoing = new LinkedBlockingQueue<>(QUEUE);
  private volatile boolean closed;
  private volatile String channel;
  private Thread listener;
  private Thread sender;

  PostgresFanout(Jdbi jdbi, JsonMapper mapper, Clock clock) {
    this.jdbi = jdbi;
    this.mapper = mapper;
    this.clock = clock;
  }

  @Override
  public void start(Consumer<Envelope> receiver, Runnable resubscribed) {
    String schema =
        jdbi.withHandle(h -> h.select("select current_schema()").mapTo(String.class).one());
    channel = "switchboard_notify_" + schema.toLowerCase().replaceAll("[^a-z0-9_]", "_");
    listener =
        Thread.ofPlatform()
            .daemon()
            .name("notifications-pg-listen")
            .start(() -> listen(receiver, resubscribed));
    sender = Thread.ofPlatform().daemon().name("notifications-pg-notify").start(this::sendLoop);
  }

  /**
   * Runs {@code connection} (which returns only when the fanout is closed) again on a new
   * connection a second after it fails, until closed: the LISTEN and NOTIFY threads' reconnection
   * policy.
   */
  private void reconnecting(String what, dev.failsafe.function.CheckedRunnable connection) {
    var reconnect =
        dev.failsafe.RetryPolicy.builder()
            .handle(Exception.class)
            .abortOn(InterruptedException.class)
            .abortIf((result, failure) -> closed)
            .withDelay(Duration.ofSeconds(1))
            .withMaxRetries(-1)
            .onRetry(e ->
                log.warn(
                    "notifications: {} failed ({}); again on a new connection",
                    what,
                    e.getLastException().toString()))
            .build();
    try {
      dev.failsafe.Failsafe.with(reconnect).run(connection);
    } catch (RuntimeException e) {
      if (!closed) log.warn("notifications: {} stopped: {}", what, e.toString());
    }
  }

  private void listen(Consumer<Envelope> receiver, Runnable resubscribed) {
    reconnecting(
        "LISTEN",
        () -> {
          try (Handle h = jdbi.open()) {
            h.execute("listen " + channel);
            // Listening (again): whatever was sent while no connection listened is lost.
            resubscribed.run();
            PGConnection pg = h.getConnection().unwrap(PGConnection.class);
            while (!closed) {
              PGNotification[] got = pg.getNotifications(500);
              if (got == null) continue;
              for (PGNotification n : got) {
                try {
                  receiver.accept(mapper.readValue(payload(h, n.getParameter()), Envelope.class));
                } catch (RuntimeException e) {
                  log.warn("dropping a notification envelope that failed: {}", e.toString());
                }
              }
            }
          }
        });
  }

  private String payload(Handle h, String parameter) {
    if (!parameter.startsWith(REF)) return parameter;
    return h.select(
            "select payload from notification_outbox where id = ?",
            parameter.substring(REF.length()))
        .mapTo(String.class)
        .findOne()
        .orElseThrow(() -> new IllegalStateException("outbox row " + parameter + " is gone"));
  }

  @Override
  public void send(Envelope envelope) {
    // Never blocks a writer: beyond the queue, other nodes miss the envelope (at most once).
    if (!closed && !outgoing.offer(envelope))
      log.warn("notifications: outgoing queue full; an envelope for other nodes was dropped");
  }

  private void sendLoop() {
    long[] lastPrune = {System.nanoTime()};
    reconnecting(
        "NOTIFY",
        () -> {
          try (Handle h = jdbi.open()) {
            while (!closed) {
              Envelope e = outgoing.poll(1, TimeUnit.SECONDS);
              if (System.nanoTime() - lastPrune[0] > TimeUnit.MINUTES.toNanos(1)) {
                h.createUpdate("delete from notification_outbox where created_at < :before")
                    .bind("before", Times.db(clock.instant().minus(Duration.ofMinutes(1))))
                    .execute();
                lastPrune[0] = System.nanoTime();
              }
              if (e == null) continue;
              // What queued meanwhile goes in the same transaction: one commit, delivered in order.
              var batch = new java.util.ArrayList<Envelope>();
              batch.add(e);
              outgoing.drainTo(batch, 255);
              h.useTransaction(t -> {
                for (Envelope each : batch) notifyOne(t, each);
              });
            }
          }
        });
  }

  private void notifyOne(Handle h, Envelope e) {
    String json = mapper.writeValueAsString(e);
    if (json.length() > MAX_PAYLOAD) {
      String id = UUID.randomUUID().toString();
      h.createUpdate(
              "insert into notification_outbox (id, payload, created_at) values (:id, :p, :at)")
          .bind("id", id)
          .bind("p", json)
          .bind("at", Times.db(clock.instant()))
          .execute();
      json = REF + id;
    }
    h.select("select pg_notify(?, ?)", channel, json).mapTo(String.class).findOne();
  }

  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  public void close() {
    closed = true;
    if (sender != null) sender.interrupt();
    try {
      if (listener != null) listener.join(2000);
      if (sender != null) sender.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
