package io.switchboard.server.http;

import io.javalin.http.HandlerType;
import io.javalin.security.RouteRole;
import io.switchboard.server.identity.Authenticator;
import io.switchboard.server.identity.Principal;
import io.switchboard.server.ops.RequestMetrics;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the plain 200 of a few cached GET routes ({@link ApiRoutes#hotReads}) in Jetty's own
 * handler, ahead of the servlet and Javalin. On the published-script GET, Jetty's servlet layer and
 * Javalin's request machinery (request and response wrappers, the context, its task queue) were
 * about a third of the CPU of the request, more than everything Switchboard does for it (issue 14's
 * profiles).
 *
 * <p>It runs the same checks as the full path, in {@link HttpServer#admit}'s order, with the same
 * code where there is code to share: the route from the same {@link RouteTable}, the token through
 * the same {@link Authenticator}, the route's own scopes, every {@link RequestGate} (each must
 * {@link RequestGate#admitsHot admit} the request, then they {@link RequestGate#chargeHot charge}
 * it), and it is counted and logged as the full path counts and logs. It answers only when all of
 * that would let a 200 through and the route's {@link HotRead} has the answer; anything else goes
 * the full way untouched (nothing charged, nothing written), which then answers it, so the refusals
 * and their ErrorBody have one place: a missing or bad token, a scope, a rate-limit refusal, an org
 * with fault rules, a 404, and every request with something unusual about it (a HEAD, a query
 * string, a body, {@code If-None-Match}, the org header, an escaped or dotted path).
 */
final class HotReads extends Handler.Wrapper {
  private static final HttpField JSON =
      new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "application/json");

  private final RouteTable routes;
  private final Map<String, HotRead> reads;

  /**
   * The literal start of each hot route (up to its first parameter): a path that starts with none
   * of them is left at once, before any header is read or the route table walked, so the other
   * requests pay one or two string comparisons for this handler.
   */
  private final String[] prefixes;

  private final Authenticator authenticator;
  private final List<RequestGate> gates;
  private final RequestMetrics metrics;
  private final boolean accessLog;

  /** {@code reads} by route path; each must be a GET route of {@code routes}. */
  HotReads(
      RouteTable routes,
      Map<String, HotRead> reads,
      Authenticator authenticator,
      List<RequestGate> gates,
      RequestMetrics metrics,
      boolean accessLog) {
    this.routes = routes;
    this.reads = Map.copyOf(reads);
    this.prefixes =
        reads.keySet().stream()
            .map(route -> route.indexOf('{') < 0 ? route : route.substring(0, route.indexOf('{')))
            .distinct()
            .toArray(String[]::new);
    this.authenticator = authenticator;
    this.gates = List.copyOf(gates);
    this.metrics = metrics;
    this.accessLog = accessLog;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    return answered(request, response, callback) || super.handle(request, response, callback);
  }

  /** True when the request was answered here; false leaves it untouched for the full path. */
  private boolean answered(Request request, Response response, Callback callback) {
    long started = System.nanoTime();
    if (!"GET".equals(request.getMethod())) return false;
    HttpURI uri = request.getHttpURI();
    String path = uri.getPath();
    if (uri.getQuery() != null
        || path == null
        || !startsLikeAHotRoute(path)
        || path.indexOf('%') >= 0
        || path.indexOf(';') >= 0
        || path.contains("/.")) return false;
    HttpFields headers = request.getHeaders();
    if (headers.contains(HttpHeader.IF_NONE_MATCH)
        || headers.contains(HttpHeader.CONTENT_LENGTH)
        || headers.contains(HttpHeader.TRANSFER_ENCODING)
        || headers.contains(HttpServer.ORG_HEADER)) return false;
    RouteTable.Match match = routes.find(HandlerType.GET, path);
    HotRead read = match == null ? null : reads.get(match.endpoint().path);
    if (read == null) return false;
    String authorization = headers.get(HttpHeader.AUTHORIZATION);
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7))
      return false;

    HotRead.Answer answer;
    Principal principal;
    try {
      principal = authenticator.authenticate(authorization.substring(7).trim());
      for (RouteRole role : match.roles()) {
        // A public route is not admitted the way these are; a Doc is a role too, and not a check.
        if (role == PublicRoute.INSTANCE) return false;
        if (role instanceof Scope scope && !scope.isSatisfiedBy(principal)) return false;
      }
      for (RequestGate gate : gates) if (!gate.admitsHot(principal, path)) return false;
      answer = read.answer(principal, match.params());
    } catch (RuntimeException refusedOrFailed) {
      // The full path meets the same refusal (or failure) and answers it as it answers any.
      return false;
    }

    HttpFields.Mutable out = response.getHeaders();
    out.add(JSON);
    String correlationId = Correlation.assign(headers.get(Correlation.HEADER));
    out.add(Correlation.HEADER, correlationId);
    for (RequestGate gate : gates) {
      if (!gate.chargeHot(principal, path, out::add)) {
        // Refused, having taken nothing: the full path asks again and answers the 429.
        out.clear();
        return false;
      }
    }
    out.add(ETags.HEADER, answer.etag());
    out.put(HttpHeader.CONTENT_LENGTH, answer.json().length);
    response.setStatus(200);
    String route = match.endpoint().path;
    float ms = (System.nanoTime() - started) / 1_000_000f;
    // Counted and logged before the bytes go out, as RequestSteps' writer does.
    metrics.record("GET", route, 200, ms);
    metrics.hotRead(route);
    if (accessLog) HttpServer.logAccess("GET", path, route, 200, ms, principal, correlationId);
    response.write(true, ByteBuffer.wrap(answer.json()), callback);
    return true;
  }

  private boolean startsLikeAHotRoute(String path) {
    for (String prefix : prefixes) if (path.startsWith(prefix)) return true;
    return false;
  }
}
