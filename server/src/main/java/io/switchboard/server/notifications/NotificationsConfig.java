package io.switchboard.server.notifications;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import java.time.Duration;

/** Channel life, heartbeat and queue bounds, and the cluster transport. */
public record NotificationsConfig(
    Duration channelLife,
    Duration closingNotice,
    Duration heartbeat,
    int socketQueue,
    int maxChannels,
    int maxTopics,
    String redisUrl,
    String redisChannel) {
  /** Genesys's limits: 20 channels per client, 1,000 topics per channel. */
  public static final int MAX_CHANNELS = 20;

  public static final int MAX_TOPICS = 1000;

  public static NotificationsConfig from(Settings s) {
    return new NotificationsConfig(
        s.seconds(SettingKeys.NOTIFICATIONS_CHANNEL_LIFE, 2, 604_800),
        s.seconds(SettingKeys.NOTIFICATIONS_CLOSING_NOTICE, 0, 3600),
        Duration.ofMillis(s.integer(SettingKeys.NOTIFICATIONS_HEARTBEAT, 100, 3_600_000)),
        s.integer(SettingKeys.NOTIFICATIONS_SOCKET_QUEUE, 1, 1_000_000),
        MAX_CHANNELS,
        MAX_TOPICS,
        s.optional(SettingKeys.LIMITS_REDIS_URL).orElse(null),
        s.string(SettingKeys.NOTIFICATIONS_REDIS_CHANNEL));
  }
}
