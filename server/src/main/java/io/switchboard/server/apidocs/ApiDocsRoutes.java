package io.switchboard.server.apidocs;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.Doc;
import io.switchboard.server.http.ETags;
import io.switchboard.server.http.PublicRoute;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API reference: the OpenAPI document at {@code GET /api/v2/docs/openapi.json} (public) and
 * Swagger UI at {@code /api/docs}, served from the swagger-ui WebJar under a same-origin-only
 * Content-Security-Policy (the initializer is our own static script, nothing inline).
 */
public final class ApiDocsRoutes implements ApiRoutes {
  public static final String DOCUMENT_PATH = "/api/v2/docs/openapi.json";
  public static final String UI_PATH = "/api/docs";

  /** Same origin only; {@code data:} images are the icons inside swagger-ui.css. */
  public static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self';"
          + " form-action 'self'; frame-ancestors 'none'";

  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
  private static final String OURS = "io/switchboard/server/apidocs/";

  /** The WebJar files the page uses, and the type each is served as. */
  private static final Map<String, String> ASSETS =
      Map.of(
          "swagger-ui.css", "text/css; charset=utf-8",
          "index.css", "text/css; charset=utf-8",
          "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
          "favicon-32x32.png", "image/png",
          "favicon-16x16.png", "image/png");

  private final String version;
  private final Supplier<List<Endpoint>> endpoints;
  private final String swaggerVersion;
  private final Asset page;
  private final Asset initializer;
  private volatile Asset document;

  /**
   * @param endpoints the server's registered endpoints; read once, on the first request for the
   *     document (the routes are fixed by then)
   */
  public ApiDocsRoutes(String version, Supplier<List<Endpoint>> endpoints) {
    this.version = version;
    this.endpoints = endpoints;
    this.swaggerVersion = webjarVersion();
    this.page = new Asset(read(OURS + "index.html"), "text/html; charset=utf-8");
    this.initializer =
        new Asset(read(OURS + "swagger-initializer.js"), "text/javascript; charset=utf-8");
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(DOCUMENT_PATH, this::document, PublicRoute.INSTANCE, Doc.returns(Doc.ANY));
    routes.get(UI_PATH, ctx -> serve(ctx, page));
    routes.get(UI_PATH + "/swagger-initializer.js", ctx -> serve(ctx, initializer));
    routes.get(UI_PATH + "/assets/{file}", this::asset);
  }

  private void document(Context ctx) {
    Asset d = document;
    if (d == null) {
      synchronized (this) {
        if (document == null) {
          byte[] json =
              JsonMapper.builder()
                  .build()
                  .writerWithDefaultPrettyPrinter()
                  .writeValueAsBytes(OpenApiDocument.of(version, endpoints.get()));
          document = new Asset(json, "application/json");
        }
        d = document;
      }
    }
    ctx.header("Cache-Control", "public, max-age=300");
    if (ETags.notModified(ctx, d.etag())) return;
    ctx.contentType(d.type()).result(d.bytes());
  }

  private void asset(Context ctx) {
    String file = ctx.pathParam("file");
    String type = ASSETS.get(file);
    if (type == null) {
      throw new Problem(Problem.Kind.NOT_FOUND, "not.found", "No such file: " + file);
    }
    // Loaded per request: the bundle is large and rarely asked for (browsers cache it).
    serve(ctx, new Asset(read(WEBJAR + swaggerVersion + "/" + file), type));
  }

  private static void serve(Context ctx, Asset asset) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Cache-Control", "public, max-age=3600");
    if (ETags.notModified(ctx, asset.etag())) return;
    ctx.contentType(asset.type()).result(asset.bytes());
  }

  private record Asset(byte[] bytes, String type, String etag) {
    Asset(byte[] bytes, String type) {
      this(bytes, type, ETags.of(bytes));
    }
  }

  private static String webjarVersion() {
    try (InputStream in = resource("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      var p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] read(String name) {
    try (InputStream in = resource(name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream resource(String name) {
    InputStream in = ApiDocsRoutes.class.getClassLoader().getResourceAsStream(name);
    if (in == null) throw new IllegalStateException("missing resource " + name);
    return in;
  }
}
