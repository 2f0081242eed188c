package io.switchboard.server.http;

import io.javalin.http.Context;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.identity.Principal;
import java.util.ArrayList;
import java.util.List;

/** Small, shared readers of what a request carries. */
public final class Requests {
  static final String PRINCIPAL = "switchboard.principal";

  private Requests() {}

  /** The verified caller; every /api/v2 handler has one. */
  public static Principal principal(Context ctx) {
    Principal p = ctx.attribute(PRINCIPAL);
    if (p == null)
      throw new IllegalStateException("no principal on an authenticated route: " + ctx.path());
    return p;
  }

  /**
   * A multi-valued query parameter, accepting both the repeated form ({@code type=a&type=b}, the
   * Java SDK) and the comma-joined form ({@code type=a,b}, the JavaScript SDK).
   */
  public static List<String> multi(Context ctx, String name) {
    var values = new ArrayList<String>();
    for (String raw : ctx.queryParams(name)) {
      for (String part : raw.split(",")) {
        String v = part.trim();
        if (!v.isEmpty()) values.add(v);
      }
    }
    return values;
  }

  public static int intQuery(Context ctx, String name, int defaultValue, int min, int max) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) return defaultValue;
    try {
      int v = Integer.parseInt(raw.trim());
      if (v < min || v > max)
        throw Problem.invalid(name, "must be between " + min + " and " + max + ", got " + v);
      return v;
    } catch (NumberFormatException e) {
      throw Problem.invalid(name, "must be a whole number, got '" + raw + "'");
    }
  }
}
