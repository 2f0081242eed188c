package io.switchboard.server.http;

import io.javalin.http.Context;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** The ININ-Correlation-Id of a request: the caller's when it is a sane token, else a new UUID. */
public final class Correlation {
  /** Exact case: existing clients compare header names case-sensitively. */
  public static final String HEADER = "ININ-Correlation-Id";

  static final String ATTRIBUTE = "switchboard.correlationId";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

  /**
   * The id of the request the current thread serves, for the one consumer that is not handed the
   * context: a notification published from a service after its commit ({@code Notifier}). Each
   * request runs on a virtual thread of its own, and {@link #assign} overwrites it first thing.
   */
  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

  private Correlation() {}

  static void assign(Context ctx) {
    // A hot read that went on to the full path assigned one already (HotReads): the same id for
    // what it logged and for the answer.
    String id = ctx.attribute(ATTRIBUTE);
    if (id == null) {
      id = sanitize(ctx.header(HEADER));
      ctx.attribute(ATTRIBUTE, id);
    }
    CURRENT.set(id);
    ctx.header(HEADER, id);
  }

  /**
   * The id of a request whose {@link #HEADER} is {@code given} (null when absent), made the
   * thread's current one; the caller answers it in the header.
   */
  static String assign(String given) {
    String id = sanitize(given);
    CURRENT.set(id);
    return id;
  }

  /** The correlation id of the request the calling thread serves, or null outside a request. */
  public static String current() {
    return CURRENT.get();
  }

  /** The caller's id when it is a sane token, else a new one. */
  static String sanitize(String given) {
    return given != null && SANE.matcher(given).matches() ? given : newId();
  }

  /**
   * A random version-4 UUID from {@link ThreadLocalRandom}: correlation ids must be unique, not
   * secret, and {@code UUID.randomUUID()} serialises every request on one shared {@code
   * SecureRandom}.
   */
  static String newId() {
    var r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  public static String of(Context ctx) {
    String id = ctx.attribute(ATTRIBUTE);
    return id != null ? id : "unassigned";
  }
}
