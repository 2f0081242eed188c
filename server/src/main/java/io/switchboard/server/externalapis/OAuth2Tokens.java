package io.switchboard.server.externalapis;

import io.switchboard.server.credentials.ResolvedCredential;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Access tokens for {@code oauth2-client-credentials} credentials, cached per credential (and its
 * version, so an edited credential gets a new token).
 *
 * <ul>
 *   <li>One fetch at a time per credential: concurrent calls share it.
 *   <li>Refreshed before expiry: from {@code expires_in - min(60 s, expires_in / 10)} the next call
 *       starts a refresh in the background and still uses the current token; only an expired token
 *       makes a call wait.
 *   <li>A fetch has its own time limit ({@link #FETCH_TIMEOUT}); each caller waits only within its
 *       own deadline, and a fetch that outlives one caller still serves the next.
 *   <li>The client secret goes in HTTP Basic to the token URL and nowhere else; failures name the
 *       token URL (without its query) and the status, never a secret or the token endpoint's body.
 * </ul>
 */
final class OAuth2Tokens {
  static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration MAX_SKEW = Duration.ofSeconds(60);
  private static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(300);

  private final OutboundHttp http;
  private final JsonMapper mapper;
  private final Clock clock;
  private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

  OAuth2Tokens(OutboundHttp http, JsonMapper mapper, Clock clock) {
    this.http = http;
    this.mapper = mapper;
    this.clock = clock;
  }

  /** Why no token could be had; {@code kind} is the report's error kind. */
  static final class TokenFailure extends Exception {
    final String kind;

    TokenFailure(String kind, String detail) {
      super(detail, null, false, false);
      this.kind = kind;
    }
  }

  private record Token(String value, long credentialVersion, Instant refreshAt, Instant expiresAt) {
    @Override
    public String toString() {
      return "Token[credentialVersion=" + credentialVersion + ", expiresAt=" + expiresAt + "]";
    }
  }

  private static final class Slot {
    volatile Token token;
    private CompletableFuture<Token> inflight;

    synchronized CompletableFuture<Token> fetch(
        java.util.function.Supplier<CompletableFuture<Token>> start) {
      if (inflight == null || inflight.isDone()) inflight = start.get();
      return inflight;
    }
  }

  /** A usable access token for {@code c}, waiting at most until {@code deadlineNanos}. */
  String token(ResolvedCredential c, long deadlineNanos) throws TokenFailure, TimeoutException {
    Slot slot = slots.computeIfAbsent(c.id(), id -> new Slot());
    Token current = slot.token;
    Instant now = clock.instant();
    if (current != null
        && current.credentialVersion() == c.version()
        && now.isBefore(current.refreshAt())) return current.value();
    CompletableFuture<Token> fetch =
        slot.fetch(() ->
            CompletableFuture.supplyAsync(
                () -> {
                  Token t = fetch(c);
                  // Set before the future completes, so whoever sees it done also sees the token.
                  slot.token = t;
                  return t;
                },
                http.executor()));
    if (current != null
        && current.credentialVersion() == c.version()
        && now.isBefore(current.expiresAt())) return current.value();
    try {
      Token fresh = fetch.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (fresh.credentialVersion() != c.version())
        throw new TokenFailure(
            "http", "the credential changed while its token was fetched; try again");
      return fresh.value();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TokenFailure("http", "interrupted while waiting for an access token");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof FetchFailed f) throw new TokenFailure(f.kind, f.getMessage());
      throw new TokenFailure("http", "token request failed");
    }
  }

  /** The token this node holds for {@code c} now, if any (to keep it out of reports). */
  String cached(ResolvedCredential c) {
    Slot slot = slots.get(c.id());
    Token t = slot == null ? null : slot.token;
    return t == null ? null : t.value();
  }

  /** Forgets {@code value} after the API refused it, so the next call fetches a new one. */
  void invalidate(ResolvedCredential c, String value) {
    Slot slot = slots.get(c.id());
    if (slot != null) {
      Token t = slot.token;
      if (t != null && t.value().equals(value)) slot.token = null;
    }
  }

  private static final class FetchFailed extends RuntimeException {
    final String kind;

    FetchFailed(String kind, String detail) {
      super(detail, null, false, false);
      this.kind = kind;
    }
  }

  private Token fetch(ResolvedCredential c) {
    URI tokenUrl = URI.create(c.publicField("tokenUrl"));
    String where = "token request to " + withoutQuery(tokenUrl);
    var form = new StringBuilder("grant_type=client_credentials");
    if (!c.scopes().isEmpty())
      form.append("&scope=")
          .append(URLEncoder.encode(String.join(" ", c.scopes()), StandardCharsets.UTF_8));
    String basic =
        Base64.getEncoder()
            .encodeToString(
                (c.publicField("clientId") + ":" + c.secret("clientSecret"))
                    .getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(tokenUrl)
            .timeout(FETCH_TIMEOUT)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .header("Authorization", "Basic " + basic)
            .POST(HttpRequest.BodyPublishers.ofString(form.toString()))
            .build();
    Instant sentAt = clock.instant();
    OutboundHttp.Response r;
    try {
      r = http.send(request, System.nanoTime() + FETCH_TIMEOUT.toNanos());
    } catch (TimeoutException e) {
      throw new FetchFailed(
          "timeout", where + " got no answer within " + FETCH_TIMEOUT.toSeconds() + " s");
    } catch (IOException e) {
      throw new FetchFailed("http", where + " failed: " + ExternalApiEngine.describe(e));
    }
    if (r.status() / 100 != 2)
      throw new FetchFailed("http", where + " answered HTTP " + r.status());
    if (!ExternalApiEngine.isJson(r.headers()))
      throw new FetchFailed(
          "invalid-response",
          where
              + " answered "
              + r.headers().firstValue("Content-Type").orElse("no Content-Type")
              + ", not JSON");
    JsonNode body;
    try {
      body = mapper.readTree(r.body());
    } catch (JacksonException e) {
      throw new FetchFailed("invalid-response", where + " answered malformed JSON");
    }
    JsonNode accessToken = body.get("access_token");
    if (accessToken == null || !accessToken.isString() || accessToken.asString().isBlank())
      throw new FetchFailed("invalid-response", where + " answered no access_token");
    JsonNode type = body.get("token_type");
    if (type != null
        && type.isString()
        && !type.asString().toLowerCase(Locale.ROOT).equals("bearer")) {
      throw new FetchFailed(
          "invalid-response",
          where + " answered token_type " + type.asString() + "; only bearer tokens are supported");
    }
    JsonNode expiresIn = body.get("expires_in");
    Duration lifetime =
        expiresIn != null && expiresIn.canConvertToLong() && expiresIn.longValue() > 0
            ? Duration.ofSeconds(expiresIn.longValue())
            : DEFAULT_LIFETIME;
    Duration skew =
        lifetime.dividedBy(10).compareTo(MAX_SKEW) < 0 ? lifetime.dividedBy(10) : MAX_SKEW;
    // Counted from when the request was sent, so the token is never believed to live longer than it
    // does.
    Instant expiresAt = sentAt.plus(lifetime);
    return new Token(accessToken.asString(), c.version(), expiresAt.minus(skew), expiresAt);
  }

  /** Scheme, host, port and path: never user info or a query, which may carry secrets. */
  static String withoutQuery(URI uri) {
    return uri.getScheme()
        + "://"
        + uri.getHost()
        + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }
}
