package io.switchboard.server.http;

import io.javalin.http.Context;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.errors.Problem.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.ValueInstantiationException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads request bodies at the edge: media type, size and JSON syntax are checked here, so handlers
 * get a typed value or the request fails with a precise ErrorBody before anything is written.
 */
public final class RequestBodies {
  public static final String JSON = "application/json";
  public static final String MERGE_PATCH = "application/merge-patch+json";
  private static final String BODY_ATTRIBUTE = "switchboard.body";

  private final JsonMapper mapper;
  private final long maxBytes;
  private final DocConformance conformance = new DocConformance();

  public RequestBodies(JsonMapper mapper, long maxBytes) {
    this.mapper = mapper;
    this.maxBytes = maxBytes;
  }

  /**
   * A tolerant reader, as Genesys is: the official SDKs' models send every field they have (empty
   * lists, {@code registeredRedirectUri}, {@code addresses}, {@code password}...), so a request
   * field we do not use is ignored. A known field of the wrong type is still a 400 naming it.
   */
  private ObjectReader readerFor(Class<?> type) {
    return mapper.readerFor(type).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  public long maxBytes() {
    return maxBytes;
  }

  public JsonMapper mapper() {
    return mapper;
  }

  /** How the routes' answers compare with their {@link Doc}s. */
  public DocConformance conformance() {
    return conformance;
  }

  /** A JSON body of {@code application/json} bound to {@code type}. */
  public <T> T read(Context ctx, Class<T> type) {
    conformance.bound(ctx, type);
    return bind(readTree(ctx, Set.of(JSON)), type);
  }

  /** The JSON tree of a body whose media type is one of {@code mediaTypes}. */
  public JsonNode readTree(Context ctx, Set<String> mediaTypes) {
    requireMediaType(ctx, mediaTypes);
    byte[] body = bytes(ctx);
    if (body.length == 0 || isBlank(body))
      throw Problem.badRequest("The request body is empty; a JSON document is required");
    JsonNode tree;
    try {
      tree = mapper.readTree(body);
    } catch (StreamConstraintsException e) {
      throw new Problem(
          Kind.BAD_REQUEST,
          "bad.request",
          "The request body is nested too deeply or holds a value that is too long (at most "
              + Json.MAX_NESTING_DEPTH
              + " levels of arrays and objects)",
          Map.of("maxDepth", Json.MAX_NESTING_DEPTH));
    } catch (StreamReadException e) {
      throw malformed(e);
    } catch (JacksonException e) {
      throw Problem.badRequest("The request body is not valid JSON: " + e.getOriginalMessage());
    }
    // No endpoint takes a bare null; binding it would hand a handler null instead of a request.
    if (tree == null || tree.isNull() || tree.isMissingNode())
      throw Problem.badRequest("The request body must be a JSON object, not null");
    return tree;
  }

  /** Binds an already parsed tree, mapping binding failures to errors that name the field. */
  public <T> T bind(JsonNode tree, Class<T> type) {
    // Jackson binds null to a null record, which a handler would then trip on (other wrong shapes
    // it refuses).
    if (type.isRecord() && (tree == null || tree.isNull() || tree.isMissingNode())) {
      throw new Problem(
          Kind.BAD_REQUEST,
          "bad.request",
          "The request body must be a JSON object, not null",
          Map.of("expected", "object"));
    }
    try {
      return readerFor(type).readValue(tree);
    } catch (ValueInstantiationException e) {
      if (e.getCause() instanceof Problem problem) throw problem;
      throw Problem.badRequest("The request body could not be read: " + e.getOriginalMessage());
    } catch (MismatchedInputException e) {
      String field = path(e);
      String expected = e.getTargetType() == null ? "another type" : describe(e.getTargetType());
      throw new Problem(
          Kind.INVALID,
          "invalid.value",
          (field.isEmpty() ? "The body" : "Field '" + field + "'")
              + " has the wrong type; expected "
              + expected,
          Map.of("field", field, "expected", expected));
    } catch (DatabindException e) {
      throw Problem.badRequest("The request body could not be read: " + e.getOriginalMessage());
    } catch (JacksonException e) {
      // A number out of its field's range (99999999999999999999 for an int) is raised while
      // reading, not binding.
      throw new Problem(
          Problem.Kind.INVALID,
          "invalid.value",
          "A value is out of range for its field: " + firstSentence(e.getOriginalMessage()),
          Map.of());
    }
  }

  /**
   * The raw body, at most {@link #maxBytes}; larger is 413 without reading the rest. Kept on the
   * context after the first read, so a wrapper (idempotency) and the handler can both read it.
   */
  public byte[] bytes(Context ctx) {
    byte[] cached = ctx.attribute(BODY_ATTRIBUTE);
    if (cached != null) return cached;
    conformance.bodyRead(ctx);
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) throw tooLarge();
    try (InputStream in = ctx.bodyInputStream()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (body.length > maxBytes) throw tooLarge();
      ctx.attribute(BODY_ATTRIBUTE, body);
      return body;
    } catch (IOException e) {
      throw new UncheckedIOException("reading request body", e);
    }
  }

  /**
   * Reads and drops what is left of a body that was refused as too large (declared or streamed), up
   * to four times {@link #maxBytes}, so that the caller, still sending, reads our 413 instead of a
   * connection reset. Beyond that bound the rest stays unread and Jetty closes the connection: a
   * refused upload costs at most that much reading, never memory.
   */
  public void discardUnread(Context ctx) {
    long declared = ctx.req().getContentLengthLong();
    long bound = 4 * maxBytes;
    if (declared > bound) return;
    try {
      InputStream in = ctx.req().getInputStream();
      byte[] scratch = new byte[8192];
      long left = bound;
      int n;
      while (left > 0 && (n = in.read(scratch, 0, (int) Math.min(scratch.length, left))) > 0) {
        left -= n;
      }
    } catch (IOException | IllegalStateException e) {
      // The caller went away or the stream was taken as a reader: nothing left to protect.
    }
  }

  public Problem tooLarge() {
    return new Problem(
        Kind.TOO_LARGE,
        "request.entity.too.large",
        "The request body exceeds the limit of " + maxBytes + " bytes",
        Map.of("limitBytes", maxBytes));
  }

  public static void requireMediaType(Context ctx, Set<String> accepted) {
    String contentType = ctx.contentType();
    String mediaType =
        contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!accepted.contains(mediaType)) {
      throw new Problem(
          Kind.UNSUPPORTED_MEDIA_TYPE,
          "unsupported.media.type",
          "Content-Type '"
              + (contentType == null ? "" : contentType)
              + "' is not supported here; use "
              + String.join(" or ", accepted),
          Map.of("supported", String.join(",", accepted)));
    }
  }

  private static Problem malformed(StreamReadException e) {
    TokenStreamLocation at = e.getLocation();
    int line = at == null ? -1 : at.getLineNr();
    int column = at == null ? -1 : at.getColumnNr();
    return new Problem(
        Kind.BAD_REQUEST,
        "bad.request",
        "Malformed JSON at line "
            + line
            + ", column "
            + column
            + ": "
            + firstSentence(e.getOriginalMessage()),
        Map.of("line", line, "column", column));
  }

  /**
   * Jackson's messages trail into source excerpts; the first clause is what a caller needs. An
   * unquoted token is not repeated: it may be a secret typed without its quotes, and error bodies
   * carry no secrets.
   */
  private static String firstSentence(String message) {
    if (message == null) return "syntax error";
    String m = message.split("\n", 2)[0];
    int cut = m.indexOf(" (start marker");
    m = cut > 0 ? m.substring(0, cut) : m;
    return m.replaceAll("Unrecognized token '[^']*'", "Unrecognized token");
  }

  private static String path(DatabindException e) {
    var sb = new StringBuilder();
    for (var ref : e.getPath()) {
      if (ref.getPropertyName() != null) {
        if (!sb.isEmpty()) sb.append('.');
        sb.append(ref.getPropertyName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String describe(Class<?> type) {
    if (type == String.class) return "string";
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class)
      return "integer";
    if (type == double.class || type == Double.class) return "number";
    if (type == boolean.class || type == Boolean.class) return "boolean";
    if (java.util.List.class.isAssignableFrom(type) || type.isArray()) return "array";
    if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) return "object";
    return type.getSimpleName();
  }

  private static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') return false;
    }
    return true;
  }
}
