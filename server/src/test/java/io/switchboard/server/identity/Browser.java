package io.switchboard.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a browser does with the sign-in page, by hand over java.net.http: GET the page, keep its
 * cookie and hidden fields, POST the form, read the redirect (never followed: it points at the
 * app).
 */
final class Browser {
  private static final Pattern HIDDEN =
      Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");

  private final Api api;

  Browser(Api api) {
    this.api = api;
  }

  record Page(Api.Response response, String cookie, Map<String, String> hidden) {}

  Page open(Map<String, String> query) {
    var r = api.raw("GET", "/oauth/authorize?" + form(query), null, null);
    String cookie = r.header("Set-Cookie").map(c -> c.split(";", 2)[0]).orElse(null);
    var hidden = new LinkedHashMap<String, String>();
    Matcher m = HIDDEN.matcher(r.body());
    while (m.find()) hidden.put(m.group(1), unescape(m.group(2)));
    return new Page(r, cookie, hidden);
  }

  Api.Response submit(Page page, String username, String password) {
    var fields = new LinkedHashMap<>(page.hidden());
    fields.put("username", username);
    fields.put("password", password);
    return post(fields, page.cookie());
  }

  Api.Response post(Map<String, String> fields, String cookie) {
    var headers =
        cookie == null
            ? new String[] {"Content-Type", "application/x-www-form-urlencoded"}
            : new String[] {"Content-Type", "application/x-www-form-urlencoded", "Cookie", cookie};
    return api.raw(
        "POST", "/oauth/authorize", null, form(fields).getBytes(StandardCharsets.UTF_8), headers);
  }

  /** The full code flow up to the redirect carrying the code. */
  String code(Map<String, String> query, String username, String password) {
    Page page = open(query);
    assertThat(page.response().status()).as(page.response().body()).isEqualTo(200);
    var r = submit(page, username, password);
    assertThat(r.status()).as(r.body()).isEqualTo(303);
    return queryOf(r.header("Location").orElseThrow()).get("code");
  }

  static Map<String, String> queryOf(String location) {
    URI uri = URI.create(location);
    return parse(uri.getRawQuery());
  }

  static Map<String, String> fragmentOf(String location) {
    return parse(URI.create(location).getRawFragment());
  }

  private static Map<String, String> parse(String raw) {
    var out = new LinkedHashMap<String, String>();
    if (raw == null) return out;
    for (String pair : raw.split("&")) {
      String[] kv = pair.split("=", 2);
      out.put(
          URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
          kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
    }
    return out;
  }

  static String form(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(e ->
            URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  static String unescape(String s) {
    return s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
  }

  static String challenge(String verifier) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256")
                  .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
