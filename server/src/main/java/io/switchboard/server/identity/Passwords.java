package io.switchboard.server.identity;

import io.switchboard.server.errors.Problem;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * User passwords: bcrypt hashes only (never a faster digest kept in memory, unlike client secrets,
 * which are random). A password is 8 to 64 characters and at most 72 bytes (bcrypt's limit).
 */
public final class Passwords {
  public static final int MIN_LENGTH = 8;
  public static final int MAX_LENGTH = 64;

  private static final String DUMMY_HASH =
      "$2a$10$7EqJtq98hPqEX7fNZaFWoOhi5BWX4Z1RJ1NmgE1e8xaLi7VRVuQ6e";

  private final BCryptPasswordEncoder bcrypt;

  public Passwords(int bcryptCost) {
    this.bcrypt = new BCryptPasswordEncoder(bcryptCost);
  }

  /** The hash of an acceptable password, or 400 naming {@code field} (never echoing the value). */
  public String hash(String field, String password) {
    if (password == null
        || password.length() < MIN_LENGTH
        || password.length() > MAX_LENGTH
        || password.getBytes(StandardCharsets.UTF_8).length > 72)
      throw new Problem(
          Problem.Kind.INVALID,
          "invalid.value",
          field + ": a password is " + MIN_LENGTH + " to " + MAX_LENGTH + " characters",
          Map.of("field", field));
    if (password.isBlank()) throw Problem.invalid(field, "must not be blank");
    return bcrypt.encode(password);
  }

  /**
   * True when {@code presented} matches {@code storedHash}; with no hash (unknown user, or one
   * without a password) bcrypt still runs, so timing does not tell which.
   */
  public boolean matches(String presented, String storedHash) {
    if (presented == null || presented.isEmpty() || presented.length() > MAX_LENGTH * 4) {
      bcrypt.matches("x", DUMMY_HASH);
      return false;
    }
    if (storedHash == null) {
      bcrypt.matches(presented, DUMMY_HASH);
      return false;
    }
    return bcrypt.matches(presented, storedHash);
  }
}
