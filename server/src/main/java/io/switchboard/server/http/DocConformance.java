package io.switchboard.server.http;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.javalin.security.Roles;
import io.javalin.security.RouteRole;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds every {@code /api/v2} route to its {@link Doc} at run time: a body read by a route whose
 * Doc says it takes none, a record bound that is not the declared one, a 2xx status or body the Doc
 * does not name, an ErrorBody code the route's documented codes lack. Each mismatch is logged once
 * and kept (at most {@value #MAX}) so that tests fail on it ({@code OpenApiDocumentIT}); the answer
 * itself is never changed. Answers made by fault injection are left out: a fault rule may make any
 * route answer anything.
 */
public final class DocConformance {
  private static final Logger log = LoggerFactory.getLogger(DocConformance.class);
  private static final int MAX = 200;

  /** Context attribute: the ErrorBody code written ({@link HttpServer#writeError}). */
  public static final String ERROR_CODE = "switchboard.docs.errorCode";

  /** Context attribute: the answer is not the route's own (an injected fault). */
  public static final String NOT_THE_ROUTES = "switchboard.docs.notTheRoutes";

  private final Set<String> mismatches = ConcurrentHashMap.newKeySet();

  /** The mismatches seen so far, sorted. */
  public List<String> mismatches() {
    return mismatches.stream().sorted().toList();
  }

  void bodyRead(Context ctx) {
    Endpoint e = apiEndpoint(ctx);
    if (e == null) return;
    Doc doc = doc(e);
    if (doc != null && doc.request() == Doc.NONE)
      add(e, "reads a request body; its Doc says it takes none");
  }

  void bound(Context ctx, Class<?> type) {
    Endpoint e = apiEndpoint(ctx);
    if (e == null) return;
    Doc doc = doc(e);
    if (doc != null && doc.request() instanceof Class<?> declared && declared != type)
      add(
          e,
          "binds its body to "
              + type.getSimpleName()
              + "; its Doc says "
              + declared.getSimpleName());
  }

  void answered(Context ctx) {
    if (ctx.attribute(NOT_THE_ROUTES) != null) return;
    Endpoint e = apiEndpoint(ctx);
    if (e == null) return;
    Doc doc = doc(e);
    if (doc == null) {
      add(e, "has no Doc");
      return;
    }
    int status = ctx.statusCode();
    if (status >= 200 && status < 300) {
      if (ctx.method().name().equals("HEAD")) return;
      Type declared = doc.bodyFor(status);
      boolean hasBody = ctx.resultInputStream() != null;
      if (declared == null) add(e, "answered " + status + "; its Doc names " + doc.answers());
      else if (declared == Doc.NONE && hasBody)
        add(e, "answered " + status + " with a body; its Doc says none");
      else if (declared != Doc.NONE && !hasBody)
        add(e, "answered " + status + " without a body; its Doc names " + declared.getTypeName());
    } else if (status >= 400) {
      String code = ctx.attribute(ERROR_CODE);
      if (code == null) return;
      Set<RouteRole> roles = roles(e);
      boolean isPublic = roles.contains(PublicRoute.INSTANCE);
      boolean hasScope = roles.stream().anyMatch(Scope.class::isInstance);
      boolean hasParameter = e.path.contains("{") || e.path.contains("<");
      if (!doc.errorCodes(isPublic, hasScope, hasParameter)
          .contains(new Doc.ErrorCode(status, code)))
        add(e, "answered " + status + " " + code + ", which its Doc does not list");
    }
  }

  private void add(Endpoint e, String what) {
    if (mismatches.size() >= MAX) return;
    String m = e.method.name() + " " + e.path + " " + what;
    if (mismatches.add(m)) log.warn("API reference out of date: {}", m);
  }

  private static Endpoint apiEndpoint(Context ctx) {
    Endpoint e = ctx.endpoints().matchedHttpEndpoint();
    return e != null && e.path.startsWith("/api/v2/") ? e : null;
  }

  private static Set<RouteRole> roles(Endpoint e) {
    Roles roles = e.metadata(Roles.class);
    return roles == null ? Set.of() : roles.getRoles();
  }

  /** The Doc among the endpoint's roles, or null. */
  public static Doc doc(Endpoint e) {
    for (RouteRole r : roles(e)) if (r instanceof Doc d) return d;
    return null;
  }
}
