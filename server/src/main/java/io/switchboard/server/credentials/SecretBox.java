package io.switchboard.server.credentials;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticated encryption of secrets at rest: AES-256-GCM with a random 96-bit nonce per message and
 * associated data that binds a ciphertext to its row (so swapping two rows' ciphertexts is detected, not
 * silently decrypted). The one place in the server that touches the key.
 */
public final class SecretBox {
  private static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;
  private final String keyId;

  private SecretBox(byte[] key) {
    if (key.length != KEY_BYTES) throw new IllegalArgumentException("the credentials key must be 32 bytes (256 bits), got " + key.length);
    this.key = new SecretKeySpec(key, "AES");
    this.keyId = keyIdOf(key);
  }

  /** A box for the base64 (standard or URL-safe) encoding of a 256-bit key. */
  public static SecretBox fromBase64(String encoded) {
    byte[] raw;
    try {
      String trimmed = encoded.trim();
      raw = trimmed.contains("-") || trimmed.contains("_") ? Base64.getUrlDecoder().decode(trimmed) : Base64.getDecoder().decode(trimmed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the credentials key is not valid base64");
    }
    try {
      return new SecretBox(raw);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /** A fresh random key, base64-encoded. */
  public static String newKeyBase64() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /**
   * A short public fingerprint of the key (not the key): stored beside each ciphertext so a start with the
   * wrong key fails with a clear message and a rotation knows what it already did.
   */
  public String keyId() {
    return keyId;
  }

  public String seal(byte[] plaintext, String associatedData) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plaintext);
      byte[] out = new byte[NONCE_BYTES + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
    }
  }

  /** The plaintext, or {@link TamperedException} when the key, the data or the associated data differ. */
  public byte[] open(String sealed, String associatedData) {
    byte[] in;
    try {
      in = Base64.getUrlDecoder().decode(sealed);
    } catch (IllegalArgumentException e) {
      throw new TamperedException();
    }
    if (in.length < NONCE_BYTES + TAG_BITS / 8) throw new TamperedException();
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
      cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      return cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new TamperedException();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "SecretBox[keyId=" + keyId + "]";
  }

  private static String keyIdOf(byte[] key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      // A domain prefix so the fingerprint is not simply the key's hash.
      sha.update("switchboard-credentials-key-id:".getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest(key), 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The ciphertext does not open with this key and associated data. */
  public static final class TamperedException extends RuntimeException {
    TamperedException() {
      super("the sealed secret does not open with this key (wrong key, or the data was altered)", null, false, false);
    }
  }
}
