package io.switchboard.server.http;

import io.javalin.http.Context;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.identity.Divisions;
import io.switchboard.server.identity.Principal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

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
    return switch (raw.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> throw Problem.invalid(name, "must be true or false, got " + quoted(raw));
    };
  }

  /**
   * A query parameter that takes one of {@code allowed} (lower-case words), in any case: the word,
   * lower-case; {@code otherwise} when absent or empty; 400 naming the words for anything else.
   */
  public static String oneOf(Context ctx, String name, String otherwise, String... allowed) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) return otherwise;
    String value = raw.trim().toLowerCase(Locale.ROOT);
    for (String a : allowed) if (a.equals(value)) return a;
    String words =
        allowed.length == 1
            ? allowed[0]
            : String.join(", ", List.of(allowed).subList(0, allowed.length - 1))
                + " or "
                + allowed[allowed.length - 1];
    throw Problem.invalid(name, "must be " + words + ", got " + quoted(raw));
  }

  /**
   * A multi-valued parameter (repeated or comma-joined, see {@link #multi}) whose values are words
   * of {@code allowed}, in any case: the words as {@code allowed} spells them, in request order;
   * 400 naming the words for any other value.
   */
  public static Set<String> anyOf(Context ctx, String name, Collection<String> allowed) {
    return anyOf(ctx, name, allowed, "any of " + String.join(", ", new TreeSet<>(allowed)));
  }

  /** {@link #anyOf(Context, String, Collection)}, a refusal saying "must be {@code described}". */
  public static Set<String> anyOf(
      Context ctx, String name, Collection<String> allowed, String described) {
    var words = new LinkedHashSet<String>();
    for (String v : multi(ctx, name)) {
      String word = null;
      for (String a : allowed) if (a.equalsIgnoreCase(v)) word = a;
      if (word == null) throw Problem.invalid(name, "must be " + described + ", got " + quoted(v));
      words.add(word);
    }
    return words;
  }

  /**
   * A text filter that matches within a field (Genesys's name filters): trimmed, its leading and
   * trailing {@code *} (Genesys's wildcards) dropped; null when nothing is left.
   */
  public static String contains(Context ctx, String name) {
    String raw = ctx.queryParam(name);
    if (raw == null) return null;
    int from = 0;
    int to = raw.length();
    while (from < to && (raw.charAt(from) == '*' || Character.isWhitespace(raw.charAt(from))))
      from++;
    while (to > from && (raw.charAt(to - 1) == '*' || Character.isWhitespace(raw.charAt(to - 1))))
      to--;
    return from == to ? null : raw.substring(from, to);
  }

  /** Whether the request gives {@code name} any non-empty value (repeated or comma-joined). */
  public static boolean given(Context ctx, String name) {
    return !multi(ctx, name).isEmpty();
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

  /**
   * The date forms Genesys documents for its date query parameters: {@code 2015-01-01}, {@code
   * 2015-01-01T18:00:00Z}, {@code 2015-01-01T12:00:00-0600}, each with optional milliseconds (and
   * {@code -06:00} offsets). A date alone is its start in UTC.
   */
  private static final DateTimeFormatter GENESYS_DATE =
      new DateTimeFormatterBuilder()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .optionalStart()
          .appendLiteral('T')
          .appendPattern("HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH:MM", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HHMM", "Z")
          .optionalEnd()
          .optionalEnd()
          .toFormatter(Locale.ROOT);

  /** An optional date query parameter in a Genesys form: null when absent, 400 when unreadable. */
  public static Instant instant(Context ctx, String name) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) return null;
    String text = spaceWasPlus(raw).trim();
    try {
      var parsed = GENESYS_DATE.parse(text);
      var date = LocalDate.from(parsed);
      // Years the databases store (PostgreSQL refuses far larger ones, which would be a 500).
      if (date.getYear() < 1 || date.getYear() > 9999)
        throw new DateTimeException("year out of range");
      if (!parsed.isSupported(ChronoField.HOUR_OF_DAY))
        return date.atStartOfDay(ZoneOffset.UTC).toInstant();
      var time = LocalTime.from(parsed);
      var offset =
          parsed.isSupported(ChronoField.OFFSET_SECONDS) ? ZoneOffset.from(parsed) : ZoneOffset.UTC;
      return OffsetDateTime.of(date, time, offset).toInstant();
    } catch (DateTimeException e) {
      throw Problem.invalid(
          name,
          "must be an ISO-8601 date such as 2015-01-01 or 2015-01-01T18:00:00.000Z, got "
              + quoted(raw));
    }
  }

  /**
   * A query value that has no spaces (a phone number, an ISO-8601 date), its spaces put back as the
   * {@code +} they were: a query string decodes an unencoded {@code +} as a space ({@code
   * +6560000000}, an offset {@code +0600}); the SDKs send {@code %2B}, which needs nothing.
   */
  public static String spaceWasPlus(String raw) {
    return raw == null ? null : raw.replace(' ', '+');
  }

  /**
   * A caller's value for an error message, quoted and cut to 64 characters: messages name what was
   * wrong without echoing a whole request line back.
   */
  public static String quoted(String raw) {
    if (raw == null) return "nothing";
    return "'" + (raw.length() <= 64 ? raw : raw.substring(0, 64) + "...") + "'";
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
      throw Problem.invalid(name, "must be a whole number, got " + quoted(raw));
    }
  }
}
