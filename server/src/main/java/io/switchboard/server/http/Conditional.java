package io.switchboard.server.http;

import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.switchboard.server.errors.Problem;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;
import tools.jackson.databind.ObjectMapper;

/**
 * Entity tags on the wire: strong {@code ETag}s, {@code If-None-Match} answered with 304, and the
 * version an {@code If-Match} names. Versioned entities use their version number as the tag ({@code
 * "7"}).
 */
public final class Conditional {
  private Conditional() {}

  public static String strong(String tag) {
    return "\"" + tag + "\"";
  }

  /** The strong tag of an entity's version number. */
  public static String strong(long version) {
    return strong(Long.toString(version));
  }

  /**
   * Answers 304 with the tag when the request's {@code If-None-Match} already holds it (no body is
   * built, and no rate-limit quota is spent: see {@link ETags#notModified}), else 200 with the JSON
   * body and the tag. The body is written as bytes ({@code ctx.json} makes a String first and
   * encodes it again): these are the hot reads.
   */
  public static void json(Context ctx, ObjectMapper mapper, String etag, Supplier<?> body) {
    if (ETags.notModified(ctx, etag)) return;
    write(ctx, mapper.writeValueAsBytes(body.get()));
  }

  /** As {@link #json(Context, ObjectMapper, String, Supplier)}, for JSON already written. */
  public static void json(Context ctx, String etag, byte[] json) {
    if (!ETags.notModified(ctx, etag)) write(ctx, json);
  }

  /**
   * A 200 with the JSON and its tag, for a read that has answered {@code If-None-Match} itself
   * ({@link ETags#notModified}).
   */
  public static void ok(Context ctx, String etag, byte[] json) {
    ctx.header(ETags.HEADER, etag);
    write(ctx, json);
  }

  /** A 200's JSON body. */
  static void write(Context ctx, byte[] json) {
    ctx.contentType(ContentType.APPLICATION_JSON).result(new ResultBytes(json));
  }

  /**
   * The version an {@code If-Match} header names: {@code "7"}, {@code W/"7"} or a bare {@code 7}.
   * Absent or {@code *} (any current version) is empty; anything else that is not one whole number
   * is 400.
   */
  public static OptionalLong ifMatchVersion(Context ctx) {
    String header = ctx.header("If-Match");
    if (header == null || header.isBlank() || header.trim().equals("*"))
      return OptionalLong.empty();
    String tag = opaque(header.trim());
    try {
      return OptionalLong.of(Long.parseLong(tag));
    } catch (NumberFormatException e) {
      throw new Problem(
          Problem.Kind.BAD_REQUEST,
          "bad.request",
          "If-Match must name one version, such as \"3\"; got " + header.trim(),
          Map.of("header", "If-Match"));
    }
  }

  /**
   * The version a write names, from {@code If-Match} or a {@code version} field. Every versioned
   * write goes through here. Both given and different is a request that contradicts itself: 400
   * {@code bad.request} naming {@code version} (not 409: nothing about the stored entity is known
   * to conflict yet). A version that is not the current one is then the service's 409 {@code
   * version.mismatch}.
   */
  public static OptionalLong expectedVersion(Context ctx, Long bodyVersion) {
    OptionalLong header = ifMatchVersion(ctx);
    if (header.isPresent() && bodyVersion != null && header.getAsLong() != bodyVersion) {
      throw new Problem(
          Problem.Kind.BAD_REQUEST,
          "bad.request",
          "If-Match names version "
              + header.getAsLong()
              + " but the body names version "
              + bodyVersion,
          Map.of("field", "version"));
    }
    if (header.isPresent()) return header;
    return bodyVersion == null ? OptionalLong.empty() : OptionalLong.of(bodyVersion);
  }

  /** {@link #expectedVersion} as the nullable {@code Long} services take. */
  public static Long expectedVersionOrNull(Context ctx, Long bodyVersion) {
    OptionalLong v = expectedVersion(ctx, bodyVersion);
    return v.isPresent() ? v.getAsLong() : null;
  }

  private static String opaque(String tag) {
    String t = tag.startsWith("W/") ? tag.substring(2) : tag;
    if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\""))
      t = t.substring(1, t.length() - 1);
    return t;
  }
}
