package io.switchboard.server.http;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.RequestLogger;
import io.javalin.json.JavalinJackson3;
import io.javalin.router.Endpoint;
import io.javalin.security.RouteRole;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.identity.Authenticator;
import io.switchboard.server.identity.Principal;
import io.switchboard.server.ops.RequestMetrics;
import io.switchboard.server.storage.SqlErrors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Javalin on Jetty 12 with virtual threads, and the request path every feature shares: correlation
 * id, body-size check, authentication, gates, org header, scope, then the handler; errors become
 * ErrorBody here and nowhere else.
 */
public final class HttpServer {
  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
  private static final Logger accessLog = LoggerFactory.getLogger("switchboard.access");
  public static final String ORG_HEADER = "X-Genesys-Organization-Id";

  private final Javalin app;
  private final DocConformance conformance;

  public HttpServer(
      HttpConfig config,
      RequestBodies bodies,
      Authenticator authenticator,
      List<RequestGate> gates,
      RequestMetrics metrics,
      List<ApiRoutes> features) {
    this.conformance = bodies.conformance();
    RequestLogger requestLogger =
        (ctx, ms) -> {
          // The matched route, not the last handler run: an after-filter or a before-filter that
          // refused the request (a 429) would otherwise stand in for it.
          Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
          String route = matched == null ? "unmatched" : matched.path;
          // A hot read that failed went on here: its time there counts too.
          HotReads.Failure hot = ctx.attribute(HotReads.FAILED);
          float total = hot == null ? ms : ms + hot.millis();
          metrics.record(ctx.method().name(), route, ctx.statusCode(), total);
          if (config.accessLog()) {
            Principal p = ctx.attribute(Requests.PRINCIPAL);
            logAccess(
                ctx.method().name(),
                ctx.path(),
                route,
                ctx.statusCode(),
                total,
                p,
                Correlation.of(ctx));
          }
        };
    this.app =
        Javalin.create(cfg -> {
          cfg.concurrency.useVirtualThreads = true;
          cfg.jsonMapper(new JavalinJackson3(bodies.mapper(), true));
          cfg.http.maxRequestSize = bodies.maxBytes();
          cfg.http.prefer405over404 = true;
          // API answers are small JSON; Javalin's compressing stream probed response headers on
          // every write and cost a tenth of the CPU of a request in profiles. A proxy can compress
          // if needed.
          cfg.http.compressionStrategy = CompressionStrategy.NONE;
          // Javalin copies a streamed result through a buffer of this size (32 KiB by default),
          // allocated per request; results held as bytes are written by RequestSteps without one.
          cfg.http.responseBufferSize = 8192;
          cfg.startup.showJavalinBanner = false;
          cfg.jetty.host = config.host();
          cfg.jetty.port = config.port();
          // Jetty answers "Server: Jetty" by default; there is nothing to gain from saying so.
          cfg.jetty.modifyServletContextHandler(
              context -> context.setSessionHandler(new NoSessionsHandler()));
          cfg.jetty.modifyHttpConfiguration(http -> {
            http.setSendServerVersion(false);
            // Jetty's per-connection cache of header lines is a trie of ~90 KiB per connection
            // (1,024 entries of char rows), and a WebSocket keeps its upgrade request's connection
            // state for life: 1,000 notification sockets held ~90 MiB of it (issue 14, jcmd
            // GC.class_histogram). Known header names are still looked up in Jetty's static cache.
            http.setHeaderCacheSize(0);
          });
          if (config.tls() != null) {
            // Javalin adds its own plain connector only when none is configured, so both are added
            // here.
            cfg.jetty.addConnector((server, http) -> {
              var plain = new ServerConnector(server, new HttpConnectionFactory(http));
              plain.setHost(config.host());
              plain.setPort(config.port());
              return plain;
            });
            cfg.jetty.addConnector((server, http) -> httpsConnector(server, http, config));
          }

          // One before and one after filter for what every request needs: each filter is a task of
          // its own for Javalin, with a route lookup and a context update (issue 14).
          cfg.routes.before(ctx -> {
            Correlation.assign(ctx);
            if (ctx.req().getContentLengthLong() > bodies.maxBytes()) throw bodies.tooLarge();
          });
          // Registered for every path ("*") with the /api/v2 prefix tested here: Javalin matches a
          // "*" filter without a regular expression, and "/api/v2/*" with one.
          cfg.routes.after(ctx -> {
            try {
              if (isApi(ctx)) {
                try {
                  FreeReads.settle(ctx);
                } catch (Problem refused) {
                  // The handler's answer (not a 304) was built but is not sent: no validator for
                  // it either.
                  ctx.removeHeader(ETags.HEADER);
                  writeProblem(ctx, refused);
                }
                bodies.conformance().answered(ctx);
                for (RequestGate gate : gates) gate.answered(ctx);
              }
            } finally {
              // A body the handler never read (a DELETE, a 404, a refusal before the body) is read
              // here, before the answer goes out: left unread, Jetty closes the connection while
              // the caller may still be sending, and the caller's TCP stack then discards our
              // answer (a reset). Bounded: declared lengths above http.max-body-bytes were refused
              // before anything was read.
              long declared = ctx.req().getContentLengthLong();
              if (declared > 0 && declared <= bodies.maxBytes()) ctx.bodyAsBytes();
              // No Content-Length and no Transfer-Encoding: HTTP/1.1 says there is no body (a
              // GET), and nothing is read or allocated for it.
              else if (declared > 0 || ctx.req().getHeader("Transfer-Encoding") != null)
                bodies.discardUnread(ctx);
            }
          });

          for (ApiRoutes feature : features) feature.register(cfg.routes);
          RouteTable table =
              RequestSteps.install(
                  cfg,
                  endpoint -> {
                    if (!endpoint.path.startsWith(API_PREFIX)) return endpoint.handler;
                    return ctx -> {
                      if (!ctx.routeRoles().contains(PublicRoute.INSTANCE))
                        admit(ctx, authenticator, gates);
                      // A hot read that failed after admission (a 404, the database away) is
                      // answered from its failure, not by doing the same work again.
                      HotReads.Failure failed = ctx.attribute(HotReads.FAILED);
                      if (failed != null) throw failed.error();
                      endpoint.handler.handle(ctx);
                    };
                  },
                  requestLogger);
          var hotReads =
              new HotReads(
                  hotReadsOf(features, table), authenticator, gates, metrics, config.accessLog());
          cfg.jetty.modifyServer(server -> {
            // In-flight requests finish on stop; new connections are refused meanwhile.
            // Javalin puts its servlet context inside the innermost wrapper, under the hot reads.
            server.setHandler(new GracefulHandler(new ResponseFieldsHandler(hotReads)));
            server.setStopTimeout(config.shutdownGrace().toMillis());
            // What Jetty itself refuses (bad request line, 414, 431) is an ErrorBody too.
            server.setErrorHandler(new JsonErrorHandler(bodies.mapper()));
          });

          cfg.routes.exception(Problem.class, (e, ctx) -> writeProblem(ctx, e));
          cfg.routes.exception(HttpResponseException.class, (e, ctx) -> writeJavalinError(ctx, e));
          cfg.routes.exception(
              Exception.class,
              (e, ctx) -> {
                if (SqlErrors.isConnectionUnavailable(e)) {
                  // A full pool (or a database that is away) is a moment's refusal, not our bug.
                  log.warn(
                      "database unavailable (no connection within the pool wait, or the session"
                          + " ended by the database), correlationId={} {} {}",
                      Correlation.of(ctx),
                      ctx.method(),
                      ctx.path());
                  ctx.header("Retry-After", "1");
                  writeError(
                      ctx,
                      503,
                      "service.unavailable",
                      "The database is busy or unavailable; retry after 1 second",
                      Map.of());
                  return;
                }
                log.error(
                    "unhandled error, correlationId={} {} {}",
                    Correlation.of(ctx),
                    ctx.method(),
                    ctx.path(),
                    e);
                writeError(
                    ctx,
                    500,
                    "internal.server.error",
                    "An internal error occurred; quote the correlation id " + Correlation.of(ctx),
                    Map.of());
              });
          cfg.requestLogger.http(requestLogger);
        });
  }

  /**
   * HTTPS beside HTTP. The official Genesys Java SDK logs in at {@code https://login.<rest of its
   * base host>}, so the SNI host check is off: {@code /oauth/token} answers on any host name the
   * certificate is used for.
   */
  private static ServerConnector httpsConnector(
      Server server, org.eclipse.jetty.server.HttpConfiguration http, HttpConfig config) {
    var tls = new SslContextFactory.Server();
    tls.setKeyStorePath(config.tls().keystore().toAbsolutePath().toString());
    tls.setKeyStorePassword(config.tls().password());
    tls.setKeyStoreType("PKCS12");
    tls.setSniRequired(false);
    var httpsConfig = new org.eclipse.jetty.server.HttpConfiguration(http);
    var customizer = new SecureRequestCustomizer();
    customizer.setSniHostCheck(false);
    httpsConfig.addCustomizer(customizer);
    var connector =
        new ServerConnector(
            server,
            new SslConnectionFactory(tls, "http/1.1"),
            new HttpConnectionFactory(httpsConfig));
    connector.setHost(config.host());
    connector.setPort(config.tls().port());
    return connector;
  }

  /** The bound HTTPS port, or -1 without HTTPS. */
  public int tlsPort() {
    for (var c : app.jettyServer().server().getConnectors()) {
      if (c instanceof ServerConnector sc
          && sc.getDefaultConnectionFactory() instanceof SslConnectionFactory)
        return sc.getLocalPort();
    }
    return -1;
  }

  /**
   * Every registered route as {@code "METHOD /path/{param}"} (filters left out), for tests and
   * tooling.
   */
  public List<String> routes() {
    return endpoints().stream().map(e -> e.method.name() + " " + e.path).toList();
  }

  /** How the answers compared with the routes' {@link Doc}s so far. */
  public List<String> docMismatches() {
    return conformance.mismatches();
  }

  /** Every registered HTTP endpoint with its metadata (roles), for the API reference. */
  public List<Endpoint> endpoints() {
    return app.unsafe.internalRouter.allHttpHandlers().stream()
        .map(p -> p.endpoint)
        .filter(e -> e.method.isHttpMethod())
        .toList();
  }

  public HttpServer start() {
    app.start();
    return this;
  }

  public int port() {
    for (var c : app.jettyServer().server().getConnectors()) {
      if (c instanceof ServerConnector sc
          && !(sc.getDefaultConnectionFactory() instanceof SslConnectionFactory))
        return sc.getLocalPort();
    }
    return app.port();
  }

  public void stop() {
    app.stop();
  }

  /** The requests the API's filters are for: what Javalin's {@code "/api/v2/*"} would match. */
  private static boolean isApi(Context ctx) {
    return ctx.path().startsWith(API_PREFIX);
  }

  static final String API_PREFIX = "/api/v2/";

  private static void admit(Context ctx, Authenticator authenticator, List<RequestGate> gates) {
    Principal principal = authenticator.authenticate(bearerToken(ctx.header("Authorization")));
    ctx.attribute(Requests.PRINCIPAL, principal);
    // Gates (rate limits) run as soon as the caller is known, so that a refused scope or org header
    // is counted and answered with the same rate-limit headers as everything else.
    for (RequestGate gate : gates) gate.admit(ctx, principal);

    // Every value counts: a repeated header (or one a proxy folded into a comma list) whose first
    // value is right must not smuggle in a second that a component further on might read.
    for (String orgHeader : java.util.Collections.list(ctx.req().getHeaders(ORG_HEADER))) {
      for (String value : orgHeader.split(",", -1)) {
        if (!value.isBlank() && !value.trim().equals(principal.orgId())) {
          // The org is the token's; a header that says otherwise is a mistake worth failing loudly
          // on.
          throw new Problem(
              Problem.Kind.FORBIDDEN,
              "org.mismatch",
              ORG_HEADER + " does not match the organization of the access token");
        }
      }
    }
    Problem missing = missingScope(ctx.routeRoles(), principal);
    if (missing != null) throw missing;
  }

  /** The token of an {@code Authorization: Bearer} header; a 401 without one. */
  static String bearerToken(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw new Problem(
          Problem.Kind.UNAUTHENTICATED,
          "authentication.required",
          "No authentication bearer token specified in authorization header.");
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new Problem(
          Problem.Kind.UNAUTHENTICATED,
          "bad.credentials",
          "The Authorization header must carry a bearer token.");
    }
    return authorization.substring(7).trim();
  }

  /** The 403 for the first of a route's scopes the caller lacks, or null when it has them all. */
  static Problem missingScope(Iterable<RouteRole> roles, Principal principal) {
    for (RouteRole role : roles) {
      if (role instanceof Scope scope && !scope.isSatisfiedBy(principal)) {
        return new Problem(
            Problem.Kind.FORBIDDEN,
            "missing.scope",
            "The access token lacks the scope "
                + scope.name()
                + (scope.readOnly() ? " (or " + scope.name() + ":readonly)" : ""),
            Map.of("scope", scope.name()));
      }
    }
    return null;
  }

  public static int statusOf(Problem.Kind kind) {
    return switch (kind) {
      case BAD_REQUEST, INVALID -> 400;
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case METHOD_NOT_ALLOWED -> 405;
      case CONFLICT -> 409;
      case GONE -> 410;
      case PRECONDITION_FAILED -> 412;
      case TOO_LARGE -> 413;
      case UNSUPPORTED_MEDIA_TYPE -> 415;
      case UNPROCESSABLE -> 422;
      case TOO_MANY_REQUESTS -> 429;
      case UNAVAILABLE -> 503;
    };
  }

  /** The ErrorBody a problem becomes, for responses that carry several outcomes (bulk requests). */
  public static ErrorBody errorBody(Context ctx, Problem problem) {
    int status = statusOf(problem.kind());
    return ErrorBody.of(
        status, problem.code(), problem.getMessage(), problem.params(), Correlation.of(ctx));
  }

  private static void writeProblem(Context ctx, Problem problem) {
    if (!problem.errors().isEmpty()) {
      int status = statusOf(problem.kind());
      var errors = problem.errors().stream().map(e -> errorBody(ctx, e)).toList();
      ctx.attribute(DocConformance.ERROR_CODE, problem.code());
      ctx.status(status);
      ctx.json(
          new ErrorBody(
              problem.getMessage(),
              problem.code(),
              status,
              problem.params(),
              Correlation.of(ctx),
              List.of(),
              errors));
      return;
    }
    writeError(
        ctx, statusOf(problem.kind()), problem.code(), problem.getMessage(), problem.params());
  }

  private static void writeJavalinError(Context ctx, HttpResponseException e) {
    int status = e.getStatus();
    String code =
        switch (status) {
          case 404 -> "not.found";
          case 405 -> "method.not.allowed";
          case 413 -> "request.entity.too.large";
          case 400 -> "bad.request";
          default -> HttpStatus.forStatus(status).name().toLowerCase().replace('_', '.');
        };
    String message =
        switch (status) {
          case 404 -> "No resource at " + ctx.method() + " " + ctx.path();
          case 405 -> "Method " + ctx.method() + " is not allowed on " + ctx.path();
          default -> e.getMessage();
        };
    writeError(ctx, status, code, message, Map.of());
  }

  public static void writeError(
      Context ctx, int status, String code, String message, Map<String, Object> params) {
    ctx.attribute(DocConformance.ERROR_CODE, code);
    ctx.status(status);
    ctx.json(ErrorBody.of(status, code, message, params, Correlation.of(ctx)));
  }

  /**
   * Every feature's hot reads, each an API GET route of the table whose only parameter is its last
   * segment and whose roles are scopes and its Doc: {@link HotReads} admits by those alone.
   */
  private static List<HotReads.Route> hotReadsOf(List<ApiRoutes> features, RouteTable table) {
    var routes = new ArrayList<HotReads.Route>();
    var named = new HashSet<String>();
    for (ApiRoutes feature : features) {
      feature
          .hotReads()
          .forEach((route, read) -> {
            RouteTable.TailRoute tail = table.tailRoute(HandlerType.GET, route);
            if (!route.startsWith(API_PREFIX)
                || !tail.roles().stream()
                    .allMatch(role -> role instanceof Scope || role instanceof Doc)
                || !named.add(route))
              throw new IllegalStateException(
                  "hot read "
                      + route
                      + ": not a route of the API, a route with roles other than scopes, or"
                      + " named twice");
            routes.add(new HotReads.Route(tail, read));
          });
    }
    return routes;
  }

  static void logAccess(
      String method,
      String path,
      String route,
      int status,
      float ms,
      Principal p,
      String correlationId) {
    // Never the query string's secrets, never a header: method, route, status, time, who.
    accessLog.info(
        "method={} path={} route={} status={} ms={} org={} client={} correlationId={}",
        method,
        path,
        route,
        status,
        String.format("%.2f", ms),
        p == null ? "-" : p.orgId(),
        p == null ? "-" : p.clientId(),
        correlationId);
  }
}
