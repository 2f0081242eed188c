package io.switchboard.server.http;

import io.switchboard.server.config.ConfigException;
import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The HTTP listener: address, limits, shutdown grace and the optional HTTPS connector. */
public record HttpConfig(
    String host,
    int port,
    long maxBodyBytes,
    Duration shutdownGrace,
    boolean accessLog,
    String publicUrl,
    Tls tls) {
  /** HTTPS beside HTTP; {@code null} in {@link HttpConfig#tls()} when not configured. */
  public record Tls(int port, Path keystore, String password) {
    @Override
    public String toString() {
      return "Tls[port=" + port + ", keystore=" + keystore + "]";
    }
  }

  public static HttpConfig from(Settings s) {
    Tls tls = null;
    if (s.optional(SettingKeys.TLS_PORT).isPresent()) {
      Path keystore =
          s.optional(SettingKeys.TLS_KEYSTORE)
              .map(Path::of)
              .orElseThrow(() ->
                  new ConfigException(
                      "config key "
                          + SettingKeys.TLS_KEYSTORE
                          + " is required when "
                          + SettingKeys.TLS_PORT
                          + " is set"));
      if (!Files.isReadable(keystore))
        throw new ConfigException(
            "config key " + SettingKeys.TLS_KEYSTORE + ": cannot read " + keystore);
      tls =
          new Tls(
              s.integer(SettingKeys.TLS_PORT, 0, 65535),
              keystore,
              s.optional(SettingKeys.TLS_KEYSTORE_PASSWORD).orElse(""));
    }
    return new HttpConfig(
        s.string(SettingKeys.HTTP_HOST),
        s.integer(SettingKeys.HTTP_PORT, 0, 65535),
        s.bytes(SettingKeys.HTTP_MAX_BODY),
        s.seconds(SettingKeys.HTTP_SHUTDOWN_GRACE, 0, 600),
        s.bool(SettingKeys.ACCESS_LOG),
        s.optional(SettingKeys.HTTP_PUBLIC_URL).orElse(null),
        tls);
  }
}
