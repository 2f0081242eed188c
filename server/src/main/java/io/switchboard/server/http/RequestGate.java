package io.switchboard.server.http;

import io.javalin.http.Context;
import io.switchboard.server.identity.Principal;

/**
 * A check every authenticated /api/v2 request passes after authentication and the scope check and before
 * its handler (rate limits, fault injection). It throws a {@code Problem} to refuse the request.
 */
public interface RequestGate {
  void admit(Context ctx, Principal principal);
}
