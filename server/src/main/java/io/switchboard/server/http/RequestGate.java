package io.switchboard.server.http;

import io.javalin.http.Context;
import io.switchboard.server.identity.Principal;
import org.eclipse.jetty.util.Attributes;

/**
 * A check every authenticated /api/v2 request passes right after authentication, before the
 * org-header and scope checks and the handler (rate limits, fault injection). It throws a {@code
 * Problem} to refuse the request. Headers it sets stay on the response whatever the handler
 * answers, errors included. A gate that charges for requests defers its charge for a GET that may
 * be answered 304 (see {@link FreeReads}).
 */
public interface RequestGate {
  void admit(Context ctx, Principal principal);

  /**
   * After the handler of every /api/v2 request (admitted or not), once the answer is final but
   * before it is sent: its status and body may be read, not changed.
   */
  default void answered(Context ctx) {}

  /**
   * For a read {@link HotReads} would answer ahead of Javalin: true when this gate would do nothing
   * to it but what {@link #chargeHot} does (no refusal it can tell in advance, no header, no mark
   * for {@link #answered}). It must take and change nothing. False, the default, sends the request
   * the full way, so a gate that does not know about hot reads keeps every request there.
   */
  default boolean admitsHot(Principal principal, String path) {
    return false;
  }

  /**
   * Charges a hot read every gate admitted, adding this gate's headers through {@code headers}.
   * False refuses it: the request then goes the full way, whose {@link #admit} answers the refusal.
   * A gate that takes anything here leaves what it decided in {@code request}'s attributes (the
   * servlet request sees them), so that its {@code admit} on the full path answers the same
   * decision instead of taking again: a hot read that fails after its charge (a 404) or is refused
   * goes the full way, and must be charged and counted once. At most one gate may take anything
   * (the rate limits): a later gate's refusal would otherwise leave an earlier one's charge taken
   * for a request the full path then charges.
   */
  default boolean chargeHot(
      Principal principal, String path, Attributes request, HeaderSink headers) {
    return true;
  }

  /** Where a gate adds its response headers on either path. */
  @FunctionalInterface
  interface HeaderSink {
    void add(String name, String value);
  }
}
