package io.switchboard.server.http;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import java.time.Duration;

public record HttpConfig(String host, int port, long maxBodyBytes, Duration shutdownGrace, boolean accessLog, String publicUrl) {
  public static HttpConfig from(Settings s) {
    return new HttpConfig(
        s.string(SettingKeys.HTTP_HOST),
        s.integer(SettingKeys.HTTP_PORT, 0, 65535),
        s.bytes(SettingKeys.HTTP_MAX_BODY),
        s.seconds(SettingKeys.HTTP_SHUTDOWN_GRACE, 0, 600),
        s.bool(SettingKeys.ACCESS_LOG),
        s.optional(SettingKeys.HTTP_PUBLIC_URL).orElse(null));
  }
}
