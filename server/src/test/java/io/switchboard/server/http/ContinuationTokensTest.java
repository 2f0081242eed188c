package io.switchboard.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.errors.Problem;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class ContinuationTokensTest {
  static byte[] key() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return k;
  }

  final ContinuationTokens tokens = new ContinuationTokens(key());

  @Test
  void aTokenResumesOnlyItsOwnOrgCollectionAndFilter() {
    String t = tokens.issue("org-a", "things", "f=1", "id-42");
    assertThat(tokens.verify(t, "org-a", "things", "f=1")).isEqualTo("id-42");
    assertThatThrownBy(() -> tokens.verify(t, "org-b", "things", "f=1"))
        .isInstanceOf(Problem.class)
        .hasMessageContaining("continuationToken");
    assertThatThrownBy(() -> tokens.verify(t, "org-a", "others", "f=1"))
        .isInstanceOf(Problem.class);
    assertThatThrownBy(() -> tokens.verify(t, "org-a", "things", "f=2"))
        .isInstanceOf(Problem.class);
    assertThatThrownBy(() -> new ContinuationTokens(key()).verify(t, "org-a", "things", "f=1"))
        .isInstanceOf(Problem.class);
  }

  @Test
  void everyEditedCharacterIsCaught() {
    String t = tokens.issue("org-a", "things", "", "id-42");
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < t.length(); i++) {
      if (t.charAt(i) == '.') continue;
      char replacement = alphabet.charAt((alphabet.indexOf(t.charAt(i)) + 1) % alphabet.length());
      String edited = t.substring(0, i) + replacement + t.substring(i + 1);
      // The last character of each part may carry unused bits; an edit there can decode to the same
      // bytes.
      try {
        assertThat(tokens.verify(edited, "org-a", "things", "")).isEqualTo("id-42");
        assertThat(i == t.indexOf('.') - 1 || i == t.length() - 1)
            .as("edit at " + i + " was accepted")
            .isTrue();
      } catch (Problem expected) {
        assertThat(expected.code()).isEqualTo("invalid.continuation.token");
      }
    }
    for (String junk : new String[] {"", ".", "a.b.c", "x".repeat(3000), "%%.%%"}) {
      assertThatThrownBy(() -> tokens.verify(junk, "org-a", "things", ""))
          .as(junk)
          .isInstanceOf(Problem.class);
    }
  }
}
