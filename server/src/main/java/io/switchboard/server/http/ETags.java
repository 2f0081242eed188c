package io.switchboard.server.http;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Entity tags and conditional GETs, for any handler: {@code if (ETags.notModified(ctx, etag))
 * return;} then build and write the body. A 304 costs the caller no quota (see {@link FreeReads}).
 */
public final class ETags {
  /** Exact case: existing clients compare header names case-sensitively. */
  public static final String HEADER = "ETag";

  private ETags() {}

  /** A strong validator derived from the representation's bytes. */
  public static String of(byte[] representation) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(representation);
      return '"'
          + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22)
          + '"';
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String of(String representation) {
    return of(representation.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sets the {@code ETag} header; when the request's {@code If-None-Match} matches, answers 304 and
   * returns true (the handler writes nothing more). Otherwise makes any deferred charge now, which
   * may refuse the request, and returns false.
   */
  public static boolean notModified(Context ctx, String etag) {
    if (matches(ctx.header("If-None-Match"), etag)) {
      ctx.header(HEADER, etag);
      ctx.status(304);
      return true;
    }
    FreeReads.charge(ctx);
    ctx.header(HEADER, etag);
    return false;
  }

  /**
   * RFC 9110 If-None-Match: {@code *} or a list of tags, compared weakly (a {@code W/} prefix is
   * ignored).
   */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) return false;
    String mine = opaque(etag);
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.equals("*") || (!c.isEmpty() && opaque(c).equals(mine))) return true;
    }
    return false;
  }

  private static String opaque(String tag) {
    return tag.startsWith("W/") ? tag.substring(2) : tag;
  }
}
