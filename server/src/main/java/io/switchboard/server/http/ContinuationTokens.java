package io.switchboard.server.http;

import io.switchboard.server.errors.Problem;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Continuation tokens for {@code .../query} endpoints: a position (the last key returned) bound to
 * the org, the collection and the query's filter, signed with HMAC-SHA256 under a cluster-wide
 * server secret. A caller cannot forge or edit one, nor replay another org's or another query's
 * token: any of these is a 400, never someone else's rows.
 */
public final class ContinuationTokens {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private final SecretKeySpec key;

  public ContinuationTokens(byte[] secret) {
    if (secret.length < 32)
      throw new IllegalArgumentException("continuation token secret must be at least 256 bits");
    this.key = new SecretKeySpec(secret, "HmacSHA256");
  }

  /**
   * A token that resumes {@code collection} for {@code orgId} after {@code position}, for this
   * {@code filter}.
   */
  public String issue(String orgId, String collection, String filter, String position) {
    byte[] payload =
        MAPPER.writeValueAsBytes(
            Map.of("v", 1, "o", orgId, "c", collection, "f", digest(filter), "p", position));
    return b64(payload) + "." + b64(mac(payload));
  }

  /**
   * The position a valid token resumes after; 400 for anything forged, altered, or issued to
   * another org or query.
   */
  public String verify(String token, String orgId, String collection, String filter) {
    if (token == null || token.length() > 2048) throw invalid();
    int dot = token.indexOf('.');
    if (dot <= 0 || dot != token.lastIndexOf('.')) throw invalid();
    byte[] payload;
    byte[] signature;
    try {
      payload = Base64.getUrlDecoder().decode(token.substring(0, dot));
      signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    if (!MessageDigest.isEqual(mac(payload), signature)) throw invalid();
    JsonNode p = MAPPER.readTree(payload);
    // Signed by us, so well formed; what remains is whether it belongs to this caller and this
    // query.
    if (!orgId.equals(p.path("o").asString())
        || !collection.equals(p.path("c").asString())
        || !digest(filter).equals(p.path("f").asString())) {
      throw invalid();
    }
    return p.path("p").asString();
  }

  private static Problem invalid() {
    return new Problem(
        Problem.Kind.BAD_REQUEST,
        "invalid.continuation.token",
        "continuationToken is not valid for this query: use the token from the previous page of the"
            + " same query, unchanged",
        Map.of("field", "continuationToken"));
  }

  private byte[] mac(byte[] payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(payload);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String digest(String filter) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest((filter == null ? "" : filter).getBytes(StandardCharsets.UTF_8));
      return b64(java.util.Arrays.copyOf(d, 12));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
