package io.switchboard.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import java.util.Map;

/** The code flow end to end, for tests outside this package (the SDK compatibility tests). */
public final class SignInSupport {
  private SignInSupport() {}

  /**
   * Signs {@code username} in through the CODE client with the given PKCE challenge and returns the
   * authorization code from the redirect.
   */
  public static String code(
      Api api,
      String clientId,
      String redirectUri,
      String challenge,
      String username,
      String password) {
    var code =
        new Browser(api)
            .code(
                Map.of(
                    "response_type", "code",
                    "client_id", clientId,
                    "redirect_uri", redirectUri,
                    "code_challenge", challenge,
                    "code_challenge_method", "S256"),
                username,
                password);
    assertThat(code).isNotBlank();
    return code;
  }
}
