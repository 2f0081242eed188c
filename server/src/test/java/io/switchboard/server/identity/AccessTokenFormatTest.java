package io.switchboard.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AccessTokenFormatTest {
  private static final byte[] KEY = new byte[32];

  static {
    new Random(7).nextBytes(KEY);
  }

  private static AccessTokenFormat.Claims claims(String userId, Set<String> scopes) {
    return new AccessTokenFormat.Claims(
        UUID.randomUUID().toString(),
        UUID.randomUUID().toString(),
        scopes,
        UUID.randomUUID().toString(),
        Instant.ofEpochSecond(1_900_000_000L),
        1_764_000_000_123L,
        userId);
  }

  private static Set<String> everyScopeBothForms() {
    var all = new HashSet<String>();
    for (String scope : Scopes.all()) {
      all.add(scope);
      all.add(scope + ":readonly");
    }
    return all;
  }

  @Test
  void claimsRoundTripAndTheTokenIsShort() {
    var clientToken = claims(null, everyScopeBothForms());
    String sealed = AccessTokenFormat.seal(KEY, clientToken);
    assertThat(AccessTokenFormat.open(KEY, sealed)).contains(clientToken);
    // The JWT it replaces was 544 characters with all scopes; this one is a fixed size.
    assertThat(sealed).hasSize(123).doesNotContain(".").matches("[A-Za-z0-9_-]+");

    var userToken = claims(UUID.randomUUID().toString(), Set.of(Scopes.SESSIONS));
    assertThat(AccessTokenFormat.open(KEY, AccessTokenFormat.seal(KEY, userToken)))
        .contains(userToken);
  }

  @Test
  void idsThatAreNotCanonicalUuidsAreKeptVerbatim() {
    var odd =
        new AccessTokenFormat.Claims(
            "ORG-imported-7",
            UUID.randomUUID().toString().toUpperCase(),
            Set.of(),
            UUID.randomUUID().toString(),
            Instant.ofEpochSecond(1_900_000_000L),
            0,
            "user é");
    assertThat(AccessTokenFormat.open(KEY, AccessTokenFormat.seal(KEY, odd))).contains(odd);
  }

  @Test
  void everyCatalogScopeHasABitAndUnknownScopesAreNotSealed() {
    assertThat(AccessTokenFormat.SCOPE_BITS).containsAll(Scopes.all()).doesNotHaveDuplicates();
    assertThat(AccessTokenFormat.SCOPE_BITS.size() * 2).isLessThanOrEqualTo(64);
    assertThatThrownBy(() -> AccessTokenFormat.seal(KEY, claims(null, Set.of("admin:everything"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anotherKeyOrAnyChangedByteIsRefused() {
    String sealed = AccessTokenFormat.seal(KEY, claims(null, Set.of(Scopes.SCRIPTS)));
    byte[] otherKey = KEY.clone();
    otherKey[0] ^= 1;
    assertThat(AccessTokenFormat.open(otherKey, sealed)).isEmpty();

    byte[] raw = Base64.getUrlDecoder().decode(sealed);
    var random = new Random(20261130L);
    for (int i = 0; i < raw.length; i++) {
      byte[] changed = raw.clone();
      changed[i] ^= (byte) (1 + random.nextInt(255));
      String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(changed);
      assertThat(AccessTokenFormat.open(KEY, forged)).as("byte %d changed", i).isEmpty();
    }
    // Other spellings of the same bytes: padding, or the last character's unused low bits set.
    assertThat(AccessTokenFormat.open(KEY, sealed + "=")).isEmpty();
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int last = alphabet.indexOf(sealed.charAt(sealed.length() - 1));
    String respelled = sealed.substring(0, sealed.length() - 1) + alphabet.charAt(last ^ 1);
    assertThat(Base64.getUrlDecoder().decode(respelled)).isEqualTo(raw);
    assertThat(AccessTokenFormat.open(KEY, respelled)).isEmpty();
    // Cut short, extended, or not base64 at all.
    assertThat(AccessTokenFormat.open(KEY, sealed.substring(0, sealed.length() - 1))).isEmpty();
    assertThat(AccessTokenFormat.open(KEY, sealed + "AA")).isEmpty();
    assertThat(AccessTokenFormat.open(KEY, "not a token!")).isEmpty();
    assertThat(AccessTokenFormat.open(KEY, "")).isEmpty();
    assertThat(AccessTokenFormat.open(KEY, "A".repeat(AccessTokenFormat.MAX_TOKEN_CHARS + 4)))
        .isEmpty();
  }

  @Test
  void randomStringsNeverOpen() {
    var random = new Random(42);
    for (int i = 0; i < 2_000; i++) {
      byte[] noise = new byte[random.nextInt(200)];
      random.nextBytes(noise);
      if (noise.length > 0) noise[0] = 1; // the version byte, so parsing gets past the first check
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(noise);
      assertThat(AccessTokenFormat.open(KEY, token)).isEmpty();
    }
  }
}
