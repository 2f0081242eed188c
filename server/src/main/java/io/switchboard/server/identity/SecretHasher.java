package io.switchboard.server.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * Client secrets: generated with a CSPRNG, stored as bcrypt hashes. A successful check is
 * remembered as a SHA-256 digest tied to the stored hash, so a busy client that asks for tokens
 * often does not pay bcrypt every time, and a rotated secret (a new stored hash) is never matched
 * by the old digest.
 */
public final class SecretHasher {
  private final BCryptPasswordEncoder bcrypt;
  private final SecureRandom random = new SecureRandom();
  private final ConcurrentHashMap<String, String> verified = new ConcurrentHashMap<>();

  public SecretHasher(int bcryptCost) {
    this.bcrypt = new BCryptPasswordEncoder(bcryptCost);
  }

  public String newSecret() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public String hash(String secret) {
    return bcrypt.encode(secret);
  }

  public boolean matches(String presented, String storedHash) {
    if (presented == null || presented.isEmpty() || presented.length() > 512) return false;
    if (matchesRemembered(presented, storedHash)) return true;
    boolean ok = bcrypt.matches(presented, storedHash);
    if (ok) verified.put(storedHash, sha256(presented));
    return ok;
  }

  /**
   * True only when {@code presented} is the secret this node already verified against {@code
   * storedHash}: no bcrypt.
   */
  public boolean matchesRemembered(String presented, String storedHash) {
    if (presented == null || presented.isEmpty() || presented.length() > 512) return false;
    String remembered = verified.get(storedHash);
    return remembered != null
        && MessageDigest.isEqual(
            remembered.getBytes(StandardCharsets.US_ASCII),
            sha256(presented).getBytes(StandardCharsets.US_ASCII));
  }

  public void forget(String storedHash) {
    verified.remove(storedHash);
  }

  private static String sha256(String s) {
    try {
      return Base64.getEncoder()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
