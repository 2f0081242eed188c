package io.switchboard.server.notifications;

/**
 * What travels between nodes: an event ({@code kind} EVENT: org, topic, the event body as JSON,
 * correlation, ordering) or a control message about a channel ({@code TOPICS}: its subscriptions
 * changed; {@code CONNECTED}: connection {@code connection} now holds it; {@code CLOSED}: it is
 * gone, {@code reason} why) or a {@link ClusterSignals} signal ({@code SIGNAL}: {@code topic}'s
 * entry {@code entity} changed). {@code node} names the sender, which has already acted locally.
 */
record Envelope(
    String kind,
    String node,
    String orgId,
    String topic,
    String bodyJson,
    String correlationId,
    String entity,
    long sequence,
    String channelId,
    String connection,
    String reason) {
  static final String EVENT = "EVENT";
  static final String TOPICS = "TOPICS";
  static final String CONNECTED = "CONNECTED";
  static final String CLOSED = "CLOSED";
  static final String SIGNAL = "SIGNAL";

  static Envelope signal(String node, String topic, String key) {
    return new Envelope(SIGNAL, node, null, topic, null, null, key, 0, null, null, null);
  }

  static Envelope event(
      String node,
      String orgId,
      String topic,
      String bodyJson,
      String correlationId,
      String entity,
      long sequence) {
    return new Envelope(
        EVENT, node, orgId, topic, bodyJson, correlationId, entity, sequence, null, null, null);
  }

  static Envelope control(
      String kind, String node, String channelId, String connection, String reason) {
    return new Envelope(kind, node, null, null, null, null, null, 0, channelId, connection, reason);
  }
}
