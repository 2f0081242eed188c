package io.switchboard.server.ratelimit;

import io.javalin.http.Context;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.http.FreeReads;
import io.switchboard.server.http.RequestGate;
import io.switchboard.server.http.RequestGate.HeaderSink;
import io.switchboard.server.identity.Principal;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import org.eclipse.jetty.util.Attributes;

/**
 * The rate limiter on the request path. Every authenticated /api/v2 response carries the state of
 * the bucket with the least room left (errors included, since the headers are set before the
 * handler runs); a refusal is a 429 whose {@code Retry-After} and body name the bucket that
 * refused.
 */
public final class RateLimitGate implements RequestGate {
  // Exact case on the wire: clients of the real platform read these names as written here.
  public static final String COUNT = "inin-ratelimit-count";
  public static final String ALLOWED = "inin-ratelimit-allowed";
  public static final String RESET = "inin-ratelimit-reset";
  public static final String POLICY = "RateLimit-Policy";
  public static final String RATE_LIMIT = "RateLimit";
  public static final String RETRY_AFTER = "Retry-After";

  private final RateLimiter limiter;

  public RateLimitGate(RateLimiter limiter) {
    this.limiter = limiter;
  }

  /** The decision a hot read took ({@link #chargeHot}), for the full path to answer as it is. */
  private static final String DECIDED = "switchboard.ratelimit.decided";

  @Override
  public void admit(Context ctx, Principal principal) {
    Decision decided = ctx.attribute(DECIDED);
    if (decided != null) {
      answer(ctx, decided, false);
      return;
    }
    String group = EndpointGroups.of(ctx.path());
    if (FreeReads.mayBeFree(ctx)) {
      // Show where the buckets stand without taking anything; a 304 leaves them so.
      writeHeaders(ctx, limiter.peek(principal, group), false);
      FreeReads.defer(ctx, () -> charge(ctx, principal, group, true));
      return;
    }
    charge(ctx, principal, group, false);
  }

  @Override
  public boolean admitsHot(Principal principal, String path) {
    return true;
  }

  /**
   * The decision is kept on the request either way: a refused hot read, or one that fails after its
   * charge, is answered on the full path with it, charged and counted once.
   */
  @Override
  public boolean chargeHot(
      Principal principal, String path, Attributes request, HeaderSink headers) {
    Decision d = limiter.tryConsume(principal, EndpointGroups.of(path));
    request.setAttribute(DECIDED, d);
    if (!d.allowed()) return false;
    writeHeaders(headers, d);
    return true;
  }

  private void charge(Context ctx, Principal principal, String group, boolean replace) {
    answer(ctx, limiter.tryConsume(principal, group), replace);
  }

  private void answer(Context ctx, Decision d, boolean replace) {
    writeHeaders(ctx, d, replace);
    if (!d.allowed()) {
      long retryAfter = d.retryAfterSeconds();
      ctx.header(RETRY_AFTER, Long.toString(retryAfter));
      throw tooManyRequests(d.tightest().orElseThrow(), retryAfter);
    }
  }

  /**
   * {@code replace} false adds the headers (the request has none of them yet): Jetty's set looks
   * for an earlier value of the name among all the response's headers, a scan per header that
   * showed in profiles of cached reads. True (a deferred charge after a peek) replaces them.
   */
  private void writeHeaders(Context ctx, Decision d, boolean replace) {
    HttpServletResponse res = ctx.res();
    writeHeaders(replace ? res::setHeader : res::addHeader, d);
  }

  private static void writeHeaders(HeaderSink headers, Decision d) {
    BucketStatus s = d.tightestOrNull();
    if (s == null) return;
    String name = s.spec().name();
    headers.add(COUNT, Long.toString(s.limit() - s.remaining()));
    headers.add(ALLOWED, Long.toString(s.limit()));
    headers.add(RESET, Long.toString(BucketStatus.ceilSeconds(s.nanosToFull())));
    headers.add(POLICY, policy(s));
    long t = s.remaining() >= s.limit() ? -1 : BucketStatus.ceilSeconds(s.nanosToNextToken());
    headers.add(
        RATE_LIMIT,
        '"'
            + name
            + "\";r="
            + s.remaining()
            + (t < 0 ? "" : ";t=" + (s.refused() ? Math.max(1, t) : t)));
  }

  /**
   * The bucket's {@code RateLimit-Policy}: its spec's, unless the bucket has another limit (in a
   * cluster, briefly, while a change reaches this node).
   */
  private static String policy(BucketStatus s) {
    BucketSpec spec = s.spec();
    return s.limit() == spec.limit() ? spec.policy() : BucketSpec.policy(spec.name(), s.limit());
  }

  static Problem tooManyRequests(BucketStatus refusing, long retryAfter) {
    BucketSpec spec = refusing.spec();
    var limit = new LinkedHashMap<String, Object>();
    limit.put("key", spec.definition().key());
    limit.put("namespace", LimitCatalog.NAMESPACE);
    limit.put("value", refusing.limit());
    var params = new LinkedHashMap<String, Object>();
    params.put("bucket", spec.name());
    params.put("limit", limit);
    params.put("windowSeconds", LimitCatalog.WINDOW_SECONDS);
    params.put("retryAfterSeconds", retryAfter);
    String message =
        "Rate limit exceeded: the "
            + spec.name()
            + " bucket allows "
            + refusing.limit()
            + " requests per "
            + LimitCatalog.WINDOW_SECONDS
            + " seconds ("
            + spec.definition().key()
            + "); retry after "
            + retryAfter
            + (retryAfter == 1 ? " second" : " seconds");
    return new Problem(Problem.Kind.TOO_MANY_REQUESTS, "too.many.requests", message, params);
  }
}
