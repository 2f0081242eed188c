package io.switchboard.server.http;

import io.switchboard.server.identity.Authenticator;
import io.switchboard.server.identity.Principal;
import io.switchboard.server.ops.RequestMetrics;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 * <p>It runs the full path's checks with the same code: the route from the same {@link RouteTable},
 * the bearer token through {@link HttpServer#bearerToken} and the same {@link Authenticator}, the
 * route's scopes through {@link HttpServer#missingScope}, and every {@link RequestGate} (each must
 * {@link RequestGate#admitsHot admit} the request, then they {@link RequestGate#chargeHot charge}
 * it); it is counted and logged as the full path counts and logs. It answers only a 200: anything
 * else goes the full way, which answers it, so the refusals and their ErrorBody have one place.
 * Nothing is written here then, and nothing is charged, counted or looked up twice: a refusal
 * before the charge takes nothing, the rate limits hand their decision on, a failure of the answer
 * after the charge (a 404, the database away) is handed on too ({@link #FAILED}), and so is the
 * correlation id. Authentication and the gates' cheap checks run again on the full path. Requests
 * with anything unusual about them go the full way before any check: a HEAD, a query string, a
 * body, {@code If-None-Match}, the org header, an escaped or dotted path.
 */
final class HotReads extends Handler.Wrapper {
  /**
   * The request attribute holding what a hot read's answer threw after the request was admitted and
   * charged (a {@code Problem} such as a 404, or a failure such as a database that is away). The
   * full path admits the request again without taking anything twice, then answers this instead of
   * running the route's handler: the same work is not done twice, and the error is mapped where
   * every error is.
   */
  static final String FAILED = "switchboard.hotReads.failed";

  /**
   * What {@link #FAILED} holds: the error, and the time the hot path spent before it, which the
   * full path's metrics timer and access-log line add to their own (a wait for a database that is
   * away is spent here).
   */
  record Failure(RuntimeException error, float millis) {}

  private static final HttpField JSON =
      new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "application/json");

  /** A hot route: where the table puts it, and its answer. */
  record Route(RouteTable.TailRoute tail, HotRead read) {}

  /**
   * Each is found by its literal start and one set lookup ({@link RouteTable.TailRoute}): a path
   * that is no hot route's costs the other requests a few string comparisons here.
   */
  private final Route[] routes;

  private final Authenticator authenticator;
  private final List<RequestGate> gates;
  private final RequestMetrics metrics;
  private final boolean accessLog;

  HotReads(
      List<Route> routes,
      Authenticator authenticator,
      List<RequestGate> gates,
      RequestMetrics metrics,
      boolean accessLog) {
    this.routes = routes.toArray(Route[]::new);
    this.authenticator = authenticator;
    this.gates = List.copyOf(gates);
    this.metrics = metrics;
    this.accessLog = accessLog;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    return answered(request, response, callback) || super.handle(request, response, callback);
  }

  /**
   * True when the request was answered here; false sends it the full way, with nothing written and
   * nothing taken that the full path would take again (see {@link RequestGate#chargeHot} and {@link
   * #FAILED}).
   */
  private boolean answered(Request request, Response response, Callback callback) {
    if (!"GET".equals(request.getMethod())) return false;
    HttpURI uri = request.getHttpURI();
    String path = uri.getPath();
    if (uri.getQuery() != null
        || path == null
        || path.indexOf('%') >= 0
        || path.indexOf(';') >= 0
        || path.contains("/.")) return false;
    Route route = null;
    String parameter = null;
    for (Route r : routes) {
      parameter = r.tail().parameter(path);
      if (parameter != null) {
        route = r;
        break;
      }
    }
    if (route == null) return false;
    // Timed from here: the other requests never read the clock in this handler.
    long started = System.nanoTime();
    HttpFields headers = request.getHeaders();
    if (headers.contains(HttpHeader.IF_NONE_MATCH)
        || headers.contains(HttpHeader.CONTENT_LENGTH)
        || headers.contains(HttpHeader.TRANSFER_ENCODING)
        || headers.contains(HttpServer.ORG_HEADER)) return false;
    String correlationId = Correlation.assign(headers.get(Correlation.HEADER));
    request.setAttribute(Correlation.ATTRIBUTE, correlationId);

    Principal principal;
    try {
      principal =
          authenticator.authenticate(HttpServer.bearerToken(headers.get(HttpHeader.AUTHORIZATION)));
    } catch (RuntimeException refused) {
      // Nothing taken yet: the full path meets the same refusal and answers it.
      return false;
    }
    // A hot route's roles are scopes and its Doc (HttpServer checks this at start-up).
    if (HttpServer.missingScope(route.tail().roles(), principal) != null) return false;
    for (RequestGate gate : gates) if (!gate.admitsHot(principal, path)) return false;
    // Charged before the answer is looked for, as the full path charges before its handler runs.
    var gateHeaders = new ArrayList<HttpField>(6);
    for (RequestGate gate : gates) {
      if (!gate.chargeHot(
          principal, path, request, (name, value) -> gateHeaders.add(new HttpField(name, value))))
        return false;
    }
    HotRead.Answer answer;
    try {
      answer =
          Objects.requireNonNull(
              route.read().answer(principal, parameter), "a hot read answered nothing");
    } catch (RuntimeException failed) {
      request.setAttribute(FAILED, new Failure(failed, (System.nanoTime() - started) / 1_000_000f));
      return false;
    }

    HttpFields.Mutable out = response.getHeaders();
    out.add(JSON);
    out.add(Correlation.HEADER, correlationId);
    for (HttpField field : gateHeaders) out.add(field);
    out.add(ETags.HEADER, answer.etag());
    out.put(HttpHeader.CONTENT_LENGTH, answer.json().length);
    response.setStatus(200);
    String template = route.tail().endpoint().path;
    float ms = (System.nanoTime() - started) / 1_000_000f;
    // Counted and logged before the bytes go out, as RequestSteps' writer does.
    metrics.record("GET", template, 200, ms);
    metrics.hotRead(template);
    if (accessLog) HttpServer.logAccess("GET", path, template, 200, ms, principal, correlationId);
    response.write(true, ByteBuffer.wrap(answer.json()), callback);
    return true;
  }
}
