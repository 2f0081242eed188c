package io.switchboard.server.identity;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The access token on the wire: the claims in a fixed binary layout with an HMAC-SHA256 tag,
 * base64url, about 125 characters (Genesys's own tokens are opaque strings of a similar length).
 *
 * <p>Why not a JWT: every request carries the token in a header that Jetty parses byte by byte, and
 * the 544-character JWT (JSON claims, thirteen scope names) was the largest single cost of a cached
 * read (issue 14, BENCHMARKS.md "Hot reads"). Layout, version 1:
 *
 * <pre>
 * 0x01 | org id | client id | token id (16) | expires (epoch s, 8) | secret stamp (epoch ms, 8)
 *      | scopes (bit set, 8) | user id or 0x00 | tag: HMAC-SHA256 of all before it, first 16 bytes
 * </pre>
 *
 * An id is {@code 0x01} and the 16 bytes of a UUID in canonical form, or {@code 0x02}, a length
 * byte and its UTF-8 bytes. The version byte cannot begin a JWT's signing input ("eyJ..."), so the
 * one key never signs the same bytes in both formats.
 */
public final class AccessTokenFormat {
  private AccessTokenFormat() {}

  /**
   * The claims a token carries. {@code secretStamp}: the client's secret-rotation time (epoch ms)
   * at issue; a token older than the client's current secret is refused, so rotating a leaked
   * secret also ends the tokens minted with it. {@code userId} is null for a client-credentials
   * token.
   */
  public record Claims(
      String orgId,
      String clientId,
      Set<String> scopes,
      String tokenId,
      Instant expiresAt,
      long secretStamp,
      String userId) {}

  /**
   * Bit positions of the scopes: scope {@code i} is bit {@code 2i}, its {@code :readonly} form bit
   * {@code 2i+1}. Append only: tokens already issued name these positions.
   */
  static final List<String> SCOPE_BITS =
      List.of(
          Scopes.OAUTH,
          Scopes.SCRIPTS,
          Scopes.SESSIONS,
          Scopes.CONVERSATIONS,
          Scopes.USERS,
          Scopes.ROUTING,
          Scopes.ARCHITECT,
          Scopes.INTEGRATIONS,
          Scopes.LIMITS,
          Scopes.LIMITS_EDIT,
          Scopes.NOTIFICATIONS,
          Scopes.FAULTS,
          Scopes.AUTHORIZATION);

  private static final byte VERSION = 1;
  private static final byte NO_ID = 0;
  private static final byte UUID_ID = 1;
  private static final byte TEXT_ID = 2;
  private static final int TAG_BYTES = 16;
  private static final String READONLY = ":readonly";

  /** Longer than any token this format makes; a longer header is refused before decoding. */
  static final int MAX_TOKEN_CHARS = 1024;

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  /** The token for {@code claims}, signed with {@code key}. */
  public static String seal(byte[] key, Claims claims) {
    var out = ByteBuffer.allocate(MAX_TOKEN_CHARS);
    out.put(VERSION);
    putId(out, claims.orgId());
    putId(out, claims.clientId());
    UUID tokenId = UUID.fromString(claims.tokenId());
    out.putLong(tokenId.getMostSignificantBits()).putLong(tokenId.getLeastSignificantBits());
    out.putLong(claims.expiresAt().getEpochSecond());
    out.putLong(claims.secretStamp());
    out.putLong(scopeBits(claims.scopes()));
    if (claims.userId() == null) out.put(NO_ID);
    else putId(out, claims.userId());
    int bodyLength = out.position();
    out.put(tag(key, out.array(), bodyLength), 0, TAG_BYTES);
    return ENCODER.encodeToString(java.util.Arrays.copyOf(out.array(), out.position()));
  }

  /** The claims of a token this format made with {@code key}; empty for anything else. */
  public static Optional<Claims> open(byte[] key, String token) {
    if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) return Optional.empty();
    byte[] bytes;
    try {
      bytes = DECODER.decode(token);
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
    // One token, one spelling: the decoder also takes padding and ignores a last character's
    // unused bits, and every spelling would be a separate entry of the service's verified cache.
    if (bytes.length <= TAG_BYTES
        || bytes[0] != VERSION
        || !ENCODER.encodeToString(bytes).equals(token)) return Optional.empty();
    int bodyLength = bytes.length - TAG_BYTES;
    byte[] expected = java.util.Arrays.copyOf(tag(key, bytes, bodyLength), TAG_BYTES);
    if (!MessageDigest.isEqual(
        expected, java.util.Arrays.copyOfRange(bytes, bodyLength, bytes.length)))
      return Optional.empty();
    try {
      var in = ByteBuffer.wrap(bytes, 1, bodyLength - 1);
      String org = id(in);
      String client = id(in);
      String tokenId = new UUID(in.getLong(), in.getLong()).toString();
      Instant expires = Instant.ofEpochSecond(in.getLong());
      long stamp = in.getLong();
      Set<String> scopes = scopes(in.getLong());
      String user = id(in);
      if (org == null || client == null || in.hasRemaining()) return Optional.empty();
      return Optional.of(new Claims(org, client, scopes, tokenId, expires, stamp, user));
    } catch (RuntimeException malformed) {
      // Signed by us yet unreadable cannot happen short of a key shared with another format;
      // either way it is not a token.
      return Optional.empty();
    }
  }

  private static void putId(ByteBuffer out, String id) {
    if (isCanonicalUuid(id)) {
      UUID uuid = UUID.fromString(id);
      out.put(UUID_ID)
          .putLong(uuid.getMostSignificantBits())
          .putLong(uuid.getLeastSignificantBits());
      return;
    }
    byte[] text = id.getBytes(StandardCharsets.UTF_8);
    if (text.length == 0 || text.length > 255)
      throw new IllegalArgumentException("an id of 1 to 255 bytes is required in a token");
    out.put(TEXT_ID).put((byte) text.length).put(text);
  }

  private static String id(ByteBuffer in) {
    return switch (in.get()) {
      case NO_ID -> null;
      case UUID_ID -> new UUID(in.getLong(), in.getLong()).toString();
      case TEXT_ID -> {
        byte[] text = new byte[Byte.toUnsignedInt(in.get())];
        in.get(text);
        yield new String(text, StandardCharsets.UTF_8);
      }
      default -> throw new IllegalArgumentException("unknown id tag");
    };
  }

  private static boolean isCanonicalUuid(String id) {
    if (id.length() != 36) return false;
    try {
      return UUID.fromString(id).toString().equals(id);
    } catch (IllegalArgumentException notUuid) {
      return false;
    }
  }

  private static long scopeBits(Set<String> scopes) {
    long bits = 0;
    for (String scope : scopes) {
      boolean readOnly = scope.endsWith(READONLY);
      String name = readOnly ? scope.substring(0, scope.length() - READONLY.length()) : scope;
      int index = SCOPE_BITS.indexOf(name);
      if (index < 0) throw new IllegalArgumentException("no token bit for the scope " + scope);
      bits |= 1L << (2 * index + (readOnly ? 1 : 0));
    }
    return bits;
  }

  private static Set<String> scopes(long bits) {
    var scopes = new LinkedHashSet<String>();
    for (int bit = 0; bit < 64; bit++) {
      if ((bits & (1L << bit)) == 0) continue;
      if (bit / 2 >= SCOPE_BITS.size()) throw new IllegalArgumentException("unknown scope bit");
      String name = SCOPE_BITS.get(bit / 2);
      scopes.add(bit % 2 == 0 ? name : name + READONLY);
    }
    return Set.copyOf(scopes);
  }

  /** HMAC-SHA256 of the first {@code length} bytes of {@code bytes}. */
  private static byte[] tag(byte[] key, byte[] bytes, int length) {
    try {
      // A Mac is not thread-safe and cheap to make; tokens are sealed and opened once each (the
      // service caches what it opened).
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(bytes, 0, length);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
