package io.switchboard.server.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.RequestLogger;
import io.javalin.http.servlet.DefaultTasks;
import io.javalin.http.servlet.JavalinServletContext;
import io.javalin.http.servlet.SubmitOrder;
import io.javalin.http.servlet.Task;
import io.javalin.http.servlet.TaskInitializer;
import io.javalin.router.Endpoint;
import io.switchboard.server.errors.Problem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import kotlin.Unit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps Javalin runs for each request ({@code cfg.unsafe.servletRequestLifecycle}), changed
 * where Javalin's own cost a cached read a measurable share of its CPU (issue 14):
 *
 * <ul>
 *   <li>Routing: Javalin's HTTP step is replaced by one that finds the route in a {@link
 *       RouteTable} and runs its handler as Javalin would (route roles, then the endpoint and its
 *       parameters on the context), and runs a GET route for its HEAD. Javalin tries each route's
 *       regular expression in turn and runs the matched one's again for its path parameters (a
 *       tenth of a cached read's CPU). A path no route matches goes to Javalin's own step (404,
 *       405). Filters (before, after) stay Javalin's.
 *   <li>Javalin's beforeMatched/afterMatched steps are left out while no such filter is registered:
 *       the first looks the route up with Javalin's matcher on every request, to know whether there
 *       is a filter to run (5%).
 *   <li>Writing: a body held as bytes (every JSON answer) is written to the servlet's output by a
 *       last step of our own, and the request logged there. Javalin copies it through its
 *       compressing stream (compression is off, but the stream's first write asks the response
 *       whether it has a {@code Content-Encoding} header, a walk over all the response's headers
 *       through Jetty's wrappers: 8.6% of a cached read's CPU with the ten headers of an API
 *       answer) with a new 8 KiB buffer per request (half of all the bytes a cached read
 *       allocated). Any other result (a stream) is left to Javalin's writer.
 * </ul>
 *
 * <p>Admission (authentication, gates, org header, scope) is wrapped around each route's handler
 * once, when the table is built ({@code wrap}), not as a beforeMatched filter: Javalin would find
 * the route a second time for it.
 */
final class RequestSteps {
  private static final Logger log = LoggerFactory.getLogger(RequestSteps.class);

  private RequestSteps() {}

  /**
   * Changes {@code cfg}'s request lifecycle as described above; called once every route is
   * registered. {@code wrap} gives the handler the table runs for a route; {@code logger} is the
   * request logger Javalin has too (it logs what its own writer wrote). Returns the table, which
   * {@link HotReads} routes by as well.
   */
  static RouteTable install(
      JavalinConfig cfg, Function<Endpoint, Handler> wrap, RequestLogger logger) {
    var table = new RouteTable(wrap);
    boolean matchedFilters = false;
    for (var entry : cfg.unsafe.internalRouter.allHttpHandlers()) {
      HandlerType method = entry.endpoint.method;
      if (method.isHttpMethod()) table.add(entry.endpoint);
      else if (method == HandlerType.BEFORE_MATCHED || method == HandlerType.AFTER_MATCHED)
        matchedFilters = true;
    }
    TaskInitializer<JavalinServletContext> javalins = DefaultTasks.INSTANCE.getHTTP();
    TaskInitializer<JavalinServletContext> fromTable = routing(table, javalins);
    var withoutMatchedFilters =
        Set.of(DefaultTasks.INSTANCE.getBEFORE_MATCHED(), DefaultTasks.INSTANCE.getAFTER_MATCHED());
    var steps = new ArrayList<TaskInitializer<JavalinServletContext>>();
    for (var step : cfg.unsafe.servletRequestLifecycle) {
      if (!matchedFilters && withoutMatchedFilters.contains(step)) continue;
      steps.add(step == javalins ? fromTable : step);
    }
    steps.add(bytesWriter(logger));
    cfg.unsafe.servletRequestLifecycle = steps;
    return table;
  }

  private static TaskInitializer<JavalinServletContext> routing(
      RouteTable table, TaskInitializer<JavalinServletContext> javalins) {
    return (submit, servlet, ctx, requestUri) -> {
      HandlerType method = ctx.method();
      RouteTable.Match found = table.find(method, requestUri);
      // The HEAD of an API GET route with no HEAD route of its own is that GET without its body
      // (RFC 9110, 9.3.2): the GET's handler runs, admission, status and headers included, and
      // Jetty sends no content for a HEAD. Javalin answered it 200 without running anything,
      // whatever the GET would have answered (401, 404). Outside the API (pages, sign-in) Javalin
      // still answers it: the sign-in page's GET sets a CSRF cookie that a prefetching HEAD must
      // not replace.
      if (found == null
          && method == HandlerType.HEAD
          && requestUri.startsWith(HttpServer.API_PREFIX))
        found = table.find(HandlerType.GET, requestUri);
      RouteTable.Match match = found;
      if (match == null) {
        javalins.createTasks(submit, servlet, ctx, requestUri);
        return;
      }
      submit.invoke(
          SubmitOrder.LAST,
          new Task(
              true,
              () -> {
                ctx.setRouteRoles$javalin(match.roles());
                // As Javalin's beforeMatched step does: without it, every matchedHttpEndpoint()
                // (the request logger's route) searches the context's endpoints backwards (4% of
                // a cached read's CPU).
                ctx.endpoints().setMatchedHttpEndpointInternal$javalin(match.endpoint());
                ctx.update(match.endpoint(), pathParams(match));
                try {
                  match.handler().handle(ctx);
                } catch (Exception e) {
                  throw RequestSteps.<RuntimeException>asThrown(e);
                }
                return Unit.INSTANCE;
              }));
    };
  }

  /**
   * The last step, run whatever happened before it (an exception's handler runs before it): a
   * result held as bytes is written here, as Javalin's writer would write it, and the request
   * logged; Javalin's writer then finds the response written and does nothing. Javalin's writer is
   * left the request with {@code If-None-Match}: it answers 304 itself when the response's {@code
   * ETag} is the one asked for (routes that set an ETag without {@link ETags#notModified} rely on
   * it), and such requests are not the hot path.
   */
  private static TaskInitializer<JavalinServletContext> bytesWriter(RequestLogger logger) {
    return (submit, servlet, ctx, requestUri) ->
        submit.invoke(
            SubmitOrder.LAST,
            new Task(
                false,
                () -> {
                  if (ctx.resultInputStream() instanceof ByteArrayInputStream body
                      && !ctx.req().isAsyncStarted()
                      && ctx.req().getHeader("If-None-Match") == null
                      && !ctx.getResponseWritten().getAndSet(true)) {
                    // Logged and counted before the bytes go out, as Javalin's writer does (it
                    // hands Jetty a body that is sent when the request completes): a caller that
                    // has its answer finds it in /metrics. With its length known, Jetty sends the
                    // body at once. Written whatever the logger does.
                    try {
                      logger.handle(ctx, ctx.executionTimeMs());
                    } catch (Exception e) {
                      throw RequestSteps.<RuntimeException>asThrown(e);
                    } finally {
                      write(ctx, body);
                    }
                  }
                  return Unit.INSTANCE;
                }));
  }

  /**
   * The body with its {@code Content-Length}: with the length known, Jetty sends it in one write at
   * any size (one write above its aggregation size, 8 KiB, without it went out chunked).
   */
  private static void write(Context ctx, ByteArrayInputStream body) {
    try {
      int status = ctx.statusCode();
      if (status >= 200 && status != 204 && status != 304)
        ctx.res().setContentLength(body.available());
      var out = ctx.res().getOutputStream();
      if (body instanceof ResultBytes bytes) bytes.writeTo(out);
      else body.transferTo(out);
    } catch (IOException e) {
      // The caller went away mid-answer (Jetty's EofException): there is no one to answer, as
      // Javalin's writer treats it.
      log.debug(
          "answer not delivered, correlationId={} {} {}: {}",
          Correlation.of(ctx),
          ctx.method(),
          ctx.path(),
          e.toString());
    }
  }

  /**
   * A handler's checked exception, thrown on unchanged to Javalin's exception mapping (Javalin's
   * own Kotlin step does the same; wrapping it would hide it from the mappers by type).
   */
  @SuppressWarnings("unchecked")
  private static <E extends Exception> E asThrown(Exception e) throws E {
    throw (E) e;
  }

  private static Map<String, String> pathParams(RouteTable.Match match) {
    try {
      return match.params();
    } catch (IllegalArgumentException malformed) {
      throw new Problem(
          Problem.Kind.BAD_REQUEST,
          "bad.request",
          "The request path has a malformed percent-escape (a % not followed by two hex digits)");
    }
  }
}
