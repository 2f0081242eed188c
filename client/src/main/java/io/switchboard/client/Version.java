package io.switchboard.client;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The library's version, written into {@code version.properties} by the build. */
final class Version {
  private Version() {}

  static String get() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in == null) return "unknown";
      var p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "unknown");
      return v.startsWith("$") ? "unknown" : v;
    } catch (IOException e) {
      return "unknown";
    }
  }
}
