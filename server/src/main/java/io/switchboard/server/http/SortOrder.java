package io.switchboard.server.http;

import io.javalin.http.Context;
import io.switchboard.server.errors.Problem;
import java.util.Locale;
import java.util.Map;

/**
 * The Genesys {@code sortOrder} query parameter: ascending (default) or descending; asc/desc too.
 */
public enum SortOrder {
  ASCENDING("asc"),
  DESCENDING("desc");

  private final String sql;

  SortOrder(String sql) {
    this.sql = sql;
  }

  public String sql() {
    return sql;
  }

  public static SortOrder of(Context ctx) {
    String raw = ctx.queryParam("sortOrder");
    if (raw == null || raw.isBlank()) return ASCENDING;
    return switch (raw.trim().toLowerCase(Locale.ROOT)) {
      case "ascending", "asc" -> ASCENDING;
      case "descending", "desc" -> DESCENDING;
      default ->
          throw new Problem(
              Problem.Kind.INVALID,
              "invalid.value",
              "sortOrder: must be ascending or descending, got " + Requests.quoted(raw),
              Map.of("field", "sortOrder"));
    };
  }
}
