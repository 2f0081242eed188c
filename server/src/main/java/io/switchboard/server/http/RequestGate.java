package io.switchboard.server.http;

import io.javalin.http.Context;
import io.switchboard.server.identity.Principal;

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
}
