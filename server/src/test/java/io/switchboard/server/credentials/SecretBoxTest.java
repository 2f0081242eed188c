package io.switchboard.server.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
  final SecretBox box = SecretBox.fromBase64(SecretBox.newKeyBase64());

  @Test
  void sealsAndOpensWithFreshNonces() {
    byte[] plain = "{\"password\":\"p\"}".getBytes(StandardCharsets.UTF_8);
    String a = box.seal(plain, "row-1");
    String b = box.seal(plain, "row-1");
    assertThat(a).isNotEqualTo(b).doesNotContain("password");
    assertThat(box.open(a, "row-1")).isEqualTo(plain);
    assertThat(box.open(b, "row-1")).isEqualTo(plain);
  }

  @Test
  void anotherRowAnotherKeyOrAFlippedBitDoesNotOpen() {
    String sealed = box.seal("secret".getBytes(StandardCharsets.UTF_8), "row-1");
    assertThatThrownBy(() -> box.open(sealed, "row-2"))
        .isInstanceOf(SecretBox.TamperedException.class);
    assertThatThrownBy(() -> SecretBox.fromBase64(SecretBox.newKeyBase64()).open(sealed, "row-1"))
        .isInstanceOf(SecretBox.TamperedException.class);
    byte[] raw = Base64.getUrlDecoder().decode(sealed);
    raw[raw.length - 1] ^= 1;
    assertThatThrownBy(
            () -> box.open(Base64.getUrlEncoder().withoutPadding().encodeToString(raw), "row-1"))
        .isInstanceOf(SecretBox.TamperedException.class);
    assertThatThrownBy(() -> box.open("short", "row-1"))
        .isInstanceOf(SecretBox.TamperedException.class);
    assertThatThrownBy(() -> box.open("not base64 !", "row-1"))
        .isInstanceOf(SecretBox.TamperedException.class);
  }

  @Test
  void keysAreCheckedAndIdentifiedWithoutBeingShown() {
    assertThatThrownBy(() -> SecretBox.fromBase64(Base64.getEncoder().encodeToString(new byte[16])))
        .hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> SecretBox.fromBase64("%%%")).hasMessageContaining("base64");
    String key = SecretBox.newKeyBase64();
    SecretBox one = SecretBox.fromBase64(key);
    assertThat(SecretBox.fromBase64(key).keyId()).isEqualTo(one.keyId());
    assertThat(
            SecretBox.fromBase64(
                    Base64.getUrlEncoder().encodeToString(Base64.getDecoder().decode(key)))
                .keyId())
        .isEqualTo(one.keyId());
    assertThat(one.toString()).doesNotContain(key).contains(one.keyId());
    assertThat(one.keyId()).isNotEqualTo(box.keyId()).hasSize(16);
  }

  /**
   * The format of rows sealed before the box used Tink: the JDK's AES-GCM, nonce || ciphertext ||
   * tag.
   */
  static String sealedLikeBefore(byte[] key, byte[] plain, String ad) throws Exception {
    byte[] nonce = new byte[12];
    new java.security.SecureRandom().nextBytes(nonce);
    var cipher = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(
        javax.crypto.Cipher.ENCRYPT_MODE,
        new javax.crypto.spec.SecretKeySpec(key, "AES"),
        new javax.crypto.spec.GCMParameterSpec(128, nonce));
    cipher.updateAAD(ad.getBytes(StandardCharsets.UTF_8));
    byte[] sealed = cipher.doFinal(plain);
    byte[] out = new byte[12 + sealed.length];
    System.arraycopy(nonce, 0, out, 0, 12);
    System.arraycopy(sealed, 0, out, 12, sealed.length);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
  }

  @Test
  void rowsSealedBeforeTinkOpenAndNewOnesKeepTheFormat() throws Exception {
    String key = SecretBox.newKeyBase64();
    byte[] raw = Base64.getDecoder().decode(key);
    SecretBox tink = SecretBox.fromBase64(key);
    byte[] plain = "{\"token\":\"t-1\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(tink.open(sealedLikeBefore(raw, plain, "row-1"), "row-1")).isEqualTo(plain);
    // And the other way: what Tink seals is what the JDK opens (no Tink prefix), so a downgrade
    // reads it too.
    byte[] sealed = Base64.getUrlDecoder().decode(tink.seal(plain, "row-1"));
    var cipher = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(
        javax.crypto.Cipher.DECRYPT_MODE,
        new javax.crypto.spec.SecretKeySpec(raw, "AES"),
        new javax.crypto.spec.GCMParameterSpec(128, sealed, 0, 12));
    cipher.updateAAD("row-1".getBytes(StandardCharsets.UTF_8));
    assertThat(cipher.doFinal(sealed, 12, sealed.length - 12)).isEqualTo(plain);
  }
}
