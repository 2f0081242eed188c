package io.switchboard.server.http;

import io.javalin.http.Context;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.identity.Divisions;
import io.switchboard.server.identity.Principal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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

  /**
   * Most ids one listing's id filter takes. Genesys's API reference states no limit for {@code id}
   * on the users, queues and flows listings (its bulk user-id filters elsewhere take up to 100);
   * this one answers a clear 400 before the request line grows past what Jetty reads (8 KiB, about
   * 200 ids, a 414 or 431).
   */
  public static final int MAX_IDS = 100;

  /**
   * An id filter of a listing, read as {@link #multi}: null when the request does not name the
   * parameter (no filter); otherwise the distinct ids in request order, empty when every value
   * given was empty ({@code id=}, what the JavaScript SDK sends for an empty array), which matches
   * nothing rather than everything. More than {@link #MAX_IDS} distinct ids is 400.
   */
  public static Set<String> ids(Context ctx, String name) {
    return ids(ctx, name, MAX_IDS);
  }

  /** {@link #ids(Context, String)} with a limit of the listing's own ({@code max} ids). */
  public static Set<String> ids(Context ctx, String name, int max) {
    if (ctx.queryParams(name).isEmpty()) return null;
    var ids = new LinkedHashSet<>(multi(ctx, name));
    if (ids.size() > max)
      throw Problem.invalid(
          name, "at most " + max + " ids are allowed in one request, got " + ids.size());
    return ids;
  }

  /**
   * An optional true/false query parameter: null when absent or empty, 400 for anything else than
   * true or false (any case).
   */
  public static Boolean bool(Context ctx, String name) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) return null;
    return switch (raw.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> throw Problem.invalid(name, "must be true or false, got '" + raw + "'");
    };
  }

  /**
   * Genesys's division filter of a listing ({@code divisionId}, or {@code divisionIds} on scripts),
   * repeated or comma-joined. Every entity of an org is in its one division, Home: a filter that
   * names Home (its id or {@code home}) keeps every entity; one that names only other divisions, or
   * none ({@code divisionId=}), keeps none.
   *
   * @return true when the request filters the listing down to nothing
   */
  public static boolean outsideHomeDivision(Context ctx, String name, String orgId) {
    if (ctx.queryParams(name).isEmpty()) return false;
    return multi(ctx, name).stream().noneMatch(id -> Divisions.isHome(orgId, id));
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
