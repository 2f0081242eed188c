package io.switchboard.server.flows;

import io.switchboard.server.config.SettingKeys;
import java.util.HashMap;
import java.util.Map;

/**
 * Settings that let the server call the test's {@code Upstream} on 127.0.0.1. Builds with the
 * egress check ({@code externalapis.egress.allow}, which refuses loopback by default) need it
 * allowed; builds without the check do not know the key. Once both are one build, use {@code
 * SettingKeys.EGRESS_ALLOW} directly.
 */
final class LoopbackUpstream {
  static final String EGRESS_ALLOW = "externalapis.egress.allow";

  private LoopbackUpstream() {}

  static Map<String, String> allowed(Map<String, String> settings) {
    var out = new HashMap<>(settings);
    if (SettingKeys.ALL.stream().anyMatch(k -> k.name().equals(EGRESS_ALLOW)))
      out.put(EGRESS_ALLOW, "127.0.0.1");
    return out;
  }
}
