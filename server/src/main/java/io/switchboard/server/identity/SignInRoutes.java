package io.switchboard.server.identity;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.switchboard.server.http.ApiRoutes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /oauth/authorize}: a server-rendered sign-in page (no script); {@code POST
 * /oauth/authorize}: its form. Like {@code /oauth/token} it answers on any host name. The form is
 * protected against cross-site posting by a double-submit token: a random value in a {@code
 * SameSite=Strict}, {@code HttpOnly} cookie that must equal the form's hidden field. The page may
 * not be framed, is not cached and sends no referrer.
 */
public final class SignInRoutes implements ApiRoutes {
  static final String CSRF_COOKIE = "sb_signin";
  static final String CSRF_FIELD = "csrf";
  private static final List<String> PARAMS =
      List.of(
          "response_type",
          "client_id",
          "redirect_uri",
          "state",
          "code_challenge",
          "code_challenge_method");

  private final SignInService signIn;
  private final SecureRandom random = new SecureRandom();

  public SignInRoutes(SignInService signIn) {
    this.signIn = signIn;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/oauth/authorize", this::page);
    routes.post("/oauth/authorize", this::submit);
  }

  private void page(Context ctx) {
    Map<String, String> params = params(ctx, false);
    SignInService.Authorization auth;
    try {
      auth = signIn.authorization(params);
    } catch (SignInService.AuthorizeError e) {
      refuse(ctx, e);
      return;
    }
    String csrf = newToken();
    ctx.header(
        "Set-Cookie",
        CSRF_COOKIE
            + "="
            + csrf
            + "; Path=/oauth/authorize; HttpOnly; SameSite=Strict"
            + (ctx.scheme().equals("https") ? "; Secure" : ""));
    render(ctx, 200, auth, params, csrf, null);
  }

  private void submit(Context ctx) {
    String contentType =
        ctx.contentType() == null
            ? ""
            : ctx.contentType().split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!contentType.equals("application/x-www-form-urlencoded")) {
      errorPage(ctx, 415, "The sign-in form must be application/x-www-form-urlencoded.");
      return;
    }
    Map<String, String> params = params(ctx, true);
    SignInService.Authorization auth;
    try {
      auth = signIn.authorization(params);
    } catch (SignInService.AuthorizeError e) {
      refuse(ctx, e);
      return;
    }
    String cookie = ctx.cookie(CSRF_COOKIE);
    String field = ctx.formParam(CSRF_FIELD);
    if (cookie == null
        || field == null
        || !MessageDigest.isEqual(
            cookie.getBytes(StandardCharsets.UTF_8), field.getBytes(StandardCharsets.UTF_8))) {
      errorPage(
          ctx,
          403,
          "This sign-in form has expired or was not sent from this server's page. Go back to the"
              + " application and sign in again.");
      return;
    }
    var outcome =
        signIn.signIn(
            auth, ctx.formParam("username"), ctx.formParam("password"), ctx.req().getRemoteAddr());
    switch (outcome) {
      case SignInService.Redirect r -> {
        noStore(ctx);
        ctx.status(303).header("Location", r.location());
      }
      case SignInService.Failed f ->
          render(ctx, 401, auth, params, cookie, "The user name or password is wrong.");
      case SignInService.Throttled t -> {
        long seconds = Math.max(1, (t.retryAfter().toMillis() + 999) / 1000);
        ctx.header("Retry-After", Long.toString(seconds));
        render(
            ctx,
            429,
            auth,
            params,
            cookie,
            "Too many failed sign-ins for this user or from this address; try again in "
                + seconds
                + " s.");
      }
    }
  }

  private static Map<String, String> params(Context ctx, boolean form) {
    var out = new LinkedHashMap<String, String>();
    for (String name : PARAMS) {
      List<String> values = form ? ctx.formParams(name) : ctx.queryParams(name);
      // A repeated parameter is ambiguous (RFC 6749 3.1): treated as absent, which refuses.
      if (values.size() == 1 && !values.get(0).isEmpty()) out.put(name, values.get(0));
      else if (values.size() > 1) out.put(name, null);
    }
    return out;
  }

  private static void refuse(Context ctx, SignInService.AuthorizeError e) {
    if (e.redirect != null) {
      noStore(ctx);
      ctx.status(ctx.method().name().equals("POST") ? 303 : 302).header("Location", e.redirect);
      return;
    }
    errorPage(ctx, 400, e.getMessage() + ".");
  }

  private void render(
      Context ctx,
      int status,
      SignInService.Authorization auth,
      Map<String, String> params,
      String csrf,
      String message) {
    var hidden = new StringBuilder();
    for (String name : PARAMS) {
      String v = params.get(name);
      if (name.equals("redirect_uri")) v = auth.redirectUri();
      if (v != null)
        hidden
            .append("<input type=\"hidden\" name=\"")
            .append(name)
            .append("\" value=\"")
            .append(escape(v))
            .append("\">\n");
    }
    String body =
        "<h1>Sign in</h1>\n<p>to <b>"
            + escape(auth.client().name())
            + "</b></p>\n"
            + (message == null ? "" : "<p role=\"alert\"><b>" + escape(message) + "</b></p>\n")
            + "<form method=\"post\" action=\"/oauth/authorize\">\n"
            + hidden
            + "<input type=\"hidden\" name=\""
            + CSRF_FIELD
            + "\" value=\""
            + escape(csrf)
            + "\">\n"
            + "<p><label>User name (email)<br><input name=\"username\" type=\"email\""
            + " autocomplete=\"username\" required autofocus></label></p>\n"
            + "<p><label>Password<br><input name=\"password\" type=\"password\""
            + " autocomplete=\"current-password\" required></label></p>\n"
            + "<p><button type=\"submit\">Sign in</button></p>\n</form>";
    html(ctx, status, body);
  }

  private static void errorPage(Context ctx, int status, String message) {
    html(ctx, status, "<h1>Sign-in error</h1>\n<p>" + escape(message) + "</p>");
  }

  private static void html(Context ctx, int status, String body) {
    noStore(ctx);
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header(
        "Content-Security-Policy", "default-src 'none'; base-uri 'none'; frame-ancestors 'none'");
    ctx.status(status)
        .contentType("text/html; charset=utf-8")
        .result(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width\">"
                + "<title>Switchboard sign-in</title></head>\n<body>\n"
                + body
                + "\n</body></html>\n");
  }

  private static void noStore(Context ctx) {
    ctx.header("Cache-Control", "no-store");
    ctx.header("Pragma", "no-cache");
  }

  private String newToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String escape(String s) {
    var sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
