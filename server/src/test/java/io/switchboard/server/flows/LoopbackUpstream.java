package io.switchboard.server.flows;

import io.switchboard.server.config.SettingKeys;
import java.util.HashMap;
import java.util.Map;

/**
 * Settings that let the server call the test's {@code Upstream} on 127.0.0.1: egress refuses
 * loopback unless {@code externalapis.egress.allow} names it.
 */
final class LoopbackUpstream {
  private LoopbackUpstream() {}

  static Map<String, String> allowed(Map<String, String> settings) {
    var out = new HashMap<>(settings);
    out.put(SettingKeys.EGRESS_ALLOW, "127.0.0.1");
    return out;
  }
}
