package io.switchboard.server.credentials;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.ConfigurationV0;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.util.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Authenticated encryption of secrets at rest: Tink's AEAD (AES-256-GCM, a random 96-bit nonce per
 * message) with associated data that binds a ciphertext to its row (so swapping two rows'
 * ciphertexts is detected, not silently decrypted). The one place in the server that touches the
 * key.
 *
 * <p>The key is a one-key Tink keyset built from the configured 32 bytes, with Tink's {@code
 * NO_PREFIX} output: {@code nonce || ciphertext || tag}, byte for byte what this class wrote with
 * the JDK's AES-GCM before, so existing rows open unchanged and need no migration. Key ids stay
 * ours ({@link #keyId}, stored beside each row): the key comes from an environment variable or a
 * key file as 32 raw bytes, which an operator can generate with {@code openssl}; a serialized Tink
 * keyset in their place would buy key ids in the ciphertext at the price of that simplicity, and
 * rotation is already an offline re-seal ({@link KeyRotation}).
 */
public final class SecretBox {
  private static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Aead aead;
  private final String keyId;

  private SecretBox(byte[] key) {
    if (key.length != KEY_BYTES)
      throw new IllegalArgumentException(
          "the credentials key must be 32 bytes (256 bits), got " + key.length);
    this.aead = aead(key);
    this.keyId = keyIdOf(key);
  }

  private static Aead aead(byte[] key) {
    try {
      // Tink's key serializers (a keyset needs them) live in its process-wide registry; registering
      // is
      // idempotent and thread-safe, and adds nothing else we rely on.
      AeadConfig.register();
      var parameters =
          AesGcmParameters.builder()
              .setKeySizeBytes(KEY_BYTES)
              .setIvSizeBytes(NONCE_BYTES)
              .setTagSizeBytes(TAG_BYTES)
              .setVariant(AesGcmParameters.Variant.NO_PREFIX)
              .build();
      var aesGcm =
          AesGcmKey.builder()
              .setParameters(parameters)
              .setKeyBytes(SecretBytes.copyFrom(key, InsecureSecretKeyAccess.get()))
              .build();
      KeysetHandle keyset =
          KeysetHandle.newBuilder()
              .addEntry(KeysetHandle.importKey(aesGcm).withRandomId().makePrimary())
              .build();
      return keyset.getPrimitive(ConfigurationV0.get(), Aead.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
    }
  }

  /** A box for the base64 (standard or URL-safe) encoding of a 256-bit key. */
  public static SecretBox fromBase64(String encoded) {
    byte[] raw;
    try {
      String trimmed = encoded.trim();
      raw =
          trimmed.contains("-") || trimmed.contains("_")
              ? Base64.getUrlDecoder().decode(trimmed)
              : Base64.getDecoder().decode(trimmed);
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
   * A short public fingerprint of the key (not the key): stored beside each ciphertext so a start
   * with the wrong key fails with a clear message and a rotation knows what it already did.
   */
  public String keyId() {
    return keyId;
  }

  public String seal(byte[] plaintext, String associatedData) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(aead.encrypt(plaintext, associatedData.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
    }
  }

  /**
   * The plaintext, or {@link TamperedException} when the key, the data or the associated data
   * differ.
   */
  public byte[] open(String sealed, String associatedData) {
    byte[] in;
    try {
      in = Base64.getUrlDecoder().decode(sealed);
    } catch (IllegalArgumentException e) {
      throw new TamperedException();
    }
    if (in.length < NONCE_BYTES + TAG_BYTES) throw new TamperedException();
    try {
      return aead.decrypt(in, associatedData.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      // Tink says only "decryption failed": a wrong key, altered data or other associated data.
      throw new TamperedException();
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
      super(
          "the sealed secret does not open with this key (wrong key, or the data was altered)",
          null,
          false,
          false);
    }
  }
}
