package io.switchboard.server.externalapis;

import io.switchboard.server.credentials.ResolvedCredential;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Takes a credential's secret values out of an execution report: an API (or a token endpoint) that
 * echoes what it was sent must not hand a secret to whoever may run the API but not read the
 * credential. Covers the secret fields, the HTTP Basic form and the OAuth2 access token in use,
 * wherever they appear in the error detail or in a mapped output.
 */
public final class Redaction {
  static final String MARK = "[redacted]";

  /**
   * Shorter values are not redacted: they would blot out ordinary text and are no secret worth the
   * name.
   */
  private static final int MIN_LENGTH = 4;

  private final List<String> secrets;

  private Redaction(List<String> secrets) {
    this.secrets = secrets;
  }

  public static Redaction of(ResolvedCredential c, String accessToken) {
    var values = new ArrayList<String>();
    if (c != null) {
      values.addAll(c.secrets().values());
      if (c.publicField("username") != null && c.secret("password") != null) {
        values.add(
            Base64.getEncoder()
                .encodeToString(
                    (c.publicField("username") + ":" + c.secret("password"))
                        .getBytes(StandardCharsets.UTF_8)));
      }
      if (c.publicField("clientId") != null && c.secret("clientSecret") != null) {
        values.add(
            Base64.getEncoder()
                .encodeToString(
                    (c.publicField("clientId") + ":" + c.secret("clientSecret"))
                        .getBytes(StandardCharsets.UTF_8)));
      }
    }
    if (accessToken != null) values.add(accessToken);
    // Longest first, so a secret that contains another is replaced whole.
    return new Redaction(
        values.stream()
            .filter(v -> v != null && v.length() >= MIN_LENGTH)
            .distinct()
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toList());
  }

  ExecutionReport apply(ExecutionReport r) {
    if (secrets.isEmpty()) return r;
    ExecutionReport.Failure error =
        r.error() == null
            ? null
            : new ExecutionReport.Failure(r.error().kind(), text(r.error().detail()));
    JsonNode outputs = r.outputs() == null ? null : node(r.outputs().deepCopy());
    return new ExecutionReport(
        r.success(),
        r.status(),
        r.latencyMs(),
        r.attempts(),
        outputs,
        error,
        r.circuit(),
        r.attemptLog());
  }

  public String text(String s) {
    if (s == null) return null;
    for (String secret : secrets) s = s.replace(secret, MARK);
    return s;
  }

  private JsonNode node(JsonNode n) {
    if (n.isString()) return StringNode.valueOf(text(n.asString()));
    if (n instanceof ObjectNode o) {
      for (String name : List.copyOf(o.propertyNames())) o.set(name, node(o.get(name)));
      return o;
    }
    if (n instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) a.set(i, node(a.get(i)));
      return a;
    }
    return n;
  }
}
