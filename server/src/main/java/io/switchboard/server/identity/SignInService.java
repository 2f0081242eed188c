package io.switchboard.server.identity;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Users signing in through an OAuth client of grant type {@code CODE} (authorization code, with
 * PKCE S256) or {@code TOKEN} (implicit). The rules: the redirect URI must equal one the client
 * registered; a code is single-use, lives {@link #CODE_LIFETIME}, and is bound to its client,
 * redirect URI, user and PKCE challenge; failed passwords are throttled per user and per address
 * before bcrypt runs. The token a user gets carries the user's roles' scopes (see {@link
 * IdentityService#issueUserToken}).
 */
public final class SignInService {
  public static final Duration CODE_LIFETIME = Duration.ofSeconds(60);

  /** RFC 7636: 43 to 128 characters of the unreserved set. */
  private static final Pattern PKCE = Pattern.compile("[A-Za-z0-9._~-]{43,128}");

  private final IdentityService identity;
  private final IdentityStore store;
  private final UserAccounts users;
  private final Passwords passwords;
  private final TokenThrottle throttle;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public SignInService(
      IdentityService identity,
      IdentityStore store,
      UserAccounts users,
      Passwords passwords,
      TokenThrottle throttle,
      Clock clock) {
    this.identity = identity;
    this.store = store;
    this.users = users;
    this.passwords = passwords;
    this.throttle = throttle;
    this.clock = clock;
  }

  /** A request to {@code /oauth/authorize} whose client and redirect URI are known good. */
  public record Authorization(
      OAuthClient client,
      String responseType,
      String redirectUri,
      String state,
      String codeChallenge) {}

  /**
   * Refused before a redirect URI could be trusted: shown as a page, never redirected to. {@code
   * redirect} is set when the error may go back to the (verified) redirect URI instead.
   */
  public static final class AuthorizeError extends RuntimeException {
    public final String error;
    public final String redirect;

    AuthorizeError(String error, String description, String redirect) {
      super(description, null, false, false);
      this.error = error;
      this.redirect = redirect;
    }
  }

  /** Validates the authorization request's parameters (GET and POST alike). */
  public Authorization authorization(Map<String, String> params) {
    String clientId = params.get("client_id");
    String redirectUri = params.get("redirect_uri");
    if (clientId == null || clientId.length() > 64)
      throw new AuthorizeError("invalid_request", "client_id is required", null);
    OAuthClient client =
        store
            .findClient(clientId)
            .filter(OAuthClient::signsInUsers)
            .orElseThrow(() ->
                new AuthorizeError(
                    "invalid_client", "There is no sign-in client with this client_id", null));
    if (redirectUri == null && client.redirectUris().size() == 1)
      redirectUri = client.redirectUris().get(0);
    if (redirectUri == null || !client.redirectUris().contains(redirectUri))
      throw new AuthorizeError(
          "invalid_request",
          "redirect_uri is not one this client registered (it must match exactly)",
          null);
    String state = params.get("state");
    if (state != null && state.length() > 2000)
      throw new AuthorizeError("invalid_request", "state is too long", null);
    String responseType = params.get("response_type");
    String expected = client.grantType().equals(OAuthClient.CODE) ? "code" : "token";
    if (responseType == null || !(responseType.equals("code") || responseType.equals("token")))
      throw redirectError(redirectUri, state, "unsupported_response_type", false);
    if (!responseType.equals(expected))
      throw redirectError(redirectUri, state, "unauthorized_client", false);
    String challenge = null;
    if (responseType.equals("code")) {
      challenge = params.get("code_challenge");
      String method = params.get("code_challenge_method");
      if (challenge != null) {
        if (method == null || !method.equals("S256"))
          throw redirectError(redirectUri, state, "invalid_request", false);
        if (!PKCE.matcher(challenge).matches())
          throw redirectError(redirectUri, state, "invalid_request", false);
      } else if (method != null) {
        throw redirectError(redirectUri, state, "invalid_request", false);
      }
    }
    return new Authorization(client, responseType, redirectUri, state, challenge);
  }

  private static AuthorizeError redirectError(
      String redirectUri, String state, String error, boolean fragment) {
    var params = new LinkedHashMap<String, String>();
    params.put("error", error);
    if (state != null) params.put("state", state);
    return new AuthorizeError(error, error, append(redirectUri, params, fragment));
  }

  /** What a sign-in attempt came to. */
  public sealed interface Outcome {}

  /** Signed in: send the browser here. */
  public record Redirect(String location) implements Outcome {}

  /** Wrong user name or password (never says which). */
  public record Failed() implements Outcome {}

  /** Too many failures for this user or from this address. */
  public record Throttled(Duration retryAfter) implements Outcome {}

  public Outcome signIn(Authorization auth, String username, String password, String address) {
    String orgId = auth.client().orgId();
    String userKey =
        "user:" + orgId + "/" + (username == null ? "" : username.trim().toLowerCase(Locale.ROOT));
    TokenThrottle.Refusal refusal = throttle.admit(userKey, address);
    if (refusal != null) return new Throttled(refusal.retryAfter());
    Optional<UserAccounts.Account> account = users.findActiveByUsername(orgId, username);
    if (!passwords.matches(
        password, account.map(UserAccounts.Account::passwordHash).orElse(null))) {
      throttle.failed(userKey, address);
      return new Failed();
    }
    String userId = account.get().id();
    var params = new LinkedHashMap<String, String>();
    if (auth.responseType().equals("code")) {
      String code = newCode();
      store.insertCode(
          new IdentityStore.StoredCode(
              sha256Hex(code),
              orgId,
              auth.client().id(),
              userId,
              auth.redirectUri(),
              auth.codeChallenge(),
              clock.instant().plus(CODE_LIFETIME)),
          clock.instant());
      params.put("code", code);
      if (auth.state() != null) params.put("state", auth.state());
      return new Redirect(append(auth.redirectUri(), params, false));
    }
    var issued = identity.issueUserToken(auth.client(), userId);
    params.put("access_token", issued.accessToken());
    params.put("token_type", issued.tokenType());
    params.put("expires_in", Long.toString(issued.expiresIn()));
    if (auth.state() != null) params.put("state", auth.state());
    return new Redirect(append(auth.redirectUri(), params, true));
  }

  /** An RFC 6749 error of the token endpoint. */
  public static final class TokenError extends RuntimeException {
    public final int status;
    public final String error;

    TokenError(int status, String error, String description) {
      super(description, null, false, false);
      this.status = status;
      this.error = error;
    }
  }

  /**
   * {@code grant_type=authorization_code}. {@code authenticated} is the client that proved its
   * secret, or null when none was presented (a public PKCE client). The code is spent whatever the
   * outcome, so a wrong verifier cannot be retried against it.
   */
  public TokenService.IssuedToken exchange(
      String code,
      String redirectUri,
      String clientId,
      String codeVerifier,
      OAuthClient authenticated) {
    if (code == null) throw new TokenError(400, "invalid_request", "code is required");
    if (authenticated != null && clientId != null && !clientId.equals(authenticated.id()))
      throw new TokenError(
          400, "invalid_request", "client_id does not match the client's credentials");
    String client = authenticated != null ? authenticated.id() : clientId;
    if (client == null) throw new TokenError(400, "invalid_request", "client_id is required");
    if (code.length() > 200) throw invalidGrant();
    IdentityStore.StoredCode stored =
        store.takeCode(sha256Hex(code)).orElseThrow(SignInService::invalidGrant);
    if (!stored.clientId().equals(client)
        || !clock.instant().isBefore(stored.expiresAt())
        || redirectUri == null
        || !redirectUri.equals(stored.redirectUri())) throw invalidGrant();
    if (stored.codeChallenge() != null) {
      if (codeVerifier == null
          || !PKCE.matcher(codeVerifier).matches()
          || !MessageDigest.isEqual(
              s256(codeVerifier).getBytes(StandardCharsets.US_ASCII),
              stored.codeChallenge().getBytes(StandardCharsets.US_ASCII))) throw invalidGrant();
    } else if (authenticated == null) {
      // Without PKCE the code alone must not be enough: the client proves its secret.
      throw new TokenError(
          401, "invalid_client", "Client authentication is required for a code without PKCE");
    }
    OAuthClient owner =
        store
            .findClient(stored.clientId())
            .filter(c -> c.orgId().equals(stored.orgId()))
            .orElseThrow(SignInService::invalidGrant);
    if (users.findActive(stored.orgId(), stored.userId()).isEmpty()) throw invalidGrant();
    return identity.issueUserToken(owner, stored.userId());
  }

  private static TokenError invalidGrant() {
    return new TokenError(
        400,
        "invalid_grant",
        "The authorization code is invalid, expired, already used, or was issued for another"
            + " client, redirect URI or code verifier");
  }

  private String newCode() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** {@code BASE64URL(SHA-256(verifier))}, RFC 7636's S256. */
  static String s256(String verifier) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(digest(verifier.getBytes(StandardCharsets.US_ASCII)));
  }

  private static String sha256Hex(String s) {
    return HexFormat.of().formatHex(digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] digest(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The redirect URI with parameters added to its query, or as its fragment. */
  static String append(String uri, Map<String, String> params, boolean fragment) {
    var sb = new StringBuilder();
    for (var e : params.entrySet()) {
      if (!sb.isEmpty()) sb.append('&');
      sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    if (fragment) return uri + "#" + sb;
    return uri + (uri.contains("?") ? "&" : "?") + sb;
  }
}
