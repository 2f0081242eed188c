package io.switchboard.server.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;

/**
 * A conditional GET answered 304 is free: it costs no quota. Whether it will be 304 is known only
 * to the handler, after the gates ran; so a gate that charges for requests does not charge a GET
 * carrying {@code If-None-Match} up front but {@linkplain #defer defers} the charge. The charge is
 * then made
 *
 * <ul>
 *   <li>by {@link ETags#notModified} as soon as the handler knows the answer is not 304, before it
 *       builds the body (so a refused read costs the server little), or
 *   <li>by {@link HttpServer} after the handler, for any answer but 304 (a handler that does not
 *       use {@code ETags} still gets charged; if the charge is refused, its answer is replaced by
 *       the refusal).
 * </ul>
 *
 * A 304 drops the deferred charges. The request is authenticated either way: gates run after
 * authentication.
 */
public final class FreeReads {
  private static final String PENDING = "switchboard.deferredCharges";

  private FreeReads() {}

  /**
   * A GET (or the HEAD of one) with {@code If-None-Match}: it may be answered 304, so its charge
   * waits for the answer.
   */
  public static boolean mayBeFree(Context ctx) {
    HandlerType method = ctx.method();
    return (method == HandlerType.GET || method == HandlerType.HEAD)
        && ctx.header("If-None-Match") != null;
  }

  /**
   * Registers a charge to make unless the answer is 304. The charge may throw a {@code Problem} to
   * refuse.
   */
  public static void defer(Context ctx, Runnable charge) {
    List<Runnable> pending = ctx.attribute(PENDING);
    if (pending == null) {
      pending = new ArrayList<>(1);
      ctx.attribute(PENDING, pending);
    }
    pending.add(charge);
  }

  /** Makes the deferred charges now (once); throws the first refusal. */
  public static void charge(Context ctx) {
    List<Runnable> pending = ctx.attribute(PENDING);
    if (pending == null || pending.isEmpty()) return;
    var charges = List.copyOf(pending);
    pending.clear();
    for (Runnable c : charges) c.run();
  }

  /** After the handler: free if the answer is 304, charged otherwise. */
  static void settle(Context ctx) {
    if (ctx.statusCode() == 304) {
      List<Runnable> pending = ctx.attribute(PENDING);
      if (pending != null) pending.clear();
      return;
    }
    charge(ctx);
  }
}
