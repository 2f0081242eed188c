package io.switchboard.server.pages;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.ETags;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The pages people use: the agent's script panel at {@code /agent/} and the admin console at {@code
 * /console/}, plain HTML with ES modules and CSS under {@code /pages/assets/}. They are static:
 * everything they show comes from the public API, called by the page with the signed-in user's
 * token (see {@code assets/auth.js}). Served under a same-origin Content-Security-Policy with no
 * inline script or style, so data the pages show can never run as code.
 */
public final class PagesRoutes implements ApiRoutes {
  public static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self';"
          + " frame-ancestors 'none'";

  private static final String ROOT = "io/switchboard/server/pages/";

  /** What may be served from {@code assets/}, by extension; anything else is 404. */
  private static final Map<String, String> TYPES =
      Map.of(
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "json", "application/json");

  /**
   * A plain file name: no slash, no leading dot, so nothing outside {@code assets/} is reachable.
   */
  private static final Pattern FILE =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*(\\.[A-Za-z0-9]+)+");

  private record Asset(byte[] bytes, String type, String etag) {
    Asset(byte[] bytes, String type) {
      this(bytes, type, ETags.of(bytes));
    }
  }

  /** Files read once from the jar (they do not change while the server runs). */
  private final Map<String, Asset> cache = new ConcurrentHashMap<>();

  @Override
  public void register(RoutesConfig routes) {
    page(routes, "agent", "agent.html");
    page(routes, "console", "console.html");
    routes.get("/pages/assets/{file}", this::asset);
  }

  private void page(RoutesConfig routes, String name, String file) {
    // One route: the router ignores a trailing slash. The page itself is served at the slash, so
    // that its own URL (the sign-in redirect URI) is one exact string.
    routes.get(
        "/" + name,
        ctx -> {
          if (!ctx.path().endsWith("/")) ctx.status(302).header("Location", "/" + name + "/");
          else serve(ctx, load(file, "text/html; charset=utf-8").orElseThrow());
        });
  }

  private void asset(Context ctx) {
    String file = ctx.pathParam("file");
    int dot = file.lastIndexOf('.');
    String type = dot < 0 ? null : TYPES.get(file.substring(dot + 1));
    Optional<Asset> asset =
        type == null || file.length() > 100 || !FILE.matcher(file).matches()
            ? Optional.empty()
            : load("assets/" + file, type);
    if (asset.isEmpty())
      throw new Problem(Problem.Kind.NOT_FOUND, "not.found", "No such file: " + truncate(file));
    serve(ctx, asset.get());
  }

  private Optional<Asset> load(String name, String type) {
    Asset known = cache.get(name);
    if (known != null) return Optional.of(known);
    // Misses are not remembered: names are the caller's, the cache holds only files that exist.
    try (InputStream in = PagesRoutes.class.getClassLoader().getResourceAsStream(ROOT + name)) {
      if (in == null) return Optional.empty();
      Asset asset = new Asset(in.readAllBytes(), type);
      cache.put(name, asset);
      return Optional.of(asset);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void serve(Context ctx, Asset asset) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    // Revalidated on every use (a 304 is cheap), so a new server version's pages load at once.
    ctx.header("Cache-Control", "no-cache");
    if (ETags.notModified(ctx, asset.etag())) return;
    ctx.contentType(asset.type()).result(asset.bytes());
  }

  private static String truncate(String s) {
    return s.length() > 100 ? s.substring(0, 100) + "..." : s;
  }
}
