package io.switchboard.server.http;

import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.session.AbstractSessionManager.RequestedSession;
import org.eclipse.jetty.session.ManagedSession;
import org.eclipse.jetty.util.Callback;

/**
 * The session handler Javalin's servlet context must have (it cannot be removed: Jetty's context
 * fails to start without one), for a server that keeps no servlet sessions of its own: access
 * tokens and the sign-in's own signed cookies carry all state. Jetty's handler wrapped every
 * request's stream (to commit a session when the answer is sent) and searched the request's cookies
 * for a session id: 2% of a cached read's CPU (issue 14). This one passes each request on, marked
 * as asking for no session, and refuses to create one: code that starts using servlet sessions
 * fails loudly here instead of getting sessions that are never committed or expired.
 *
 * <p>The exception is an HTTP/1.1 upgrade (the notification WebSockets): Javalin's upgrade reads
 * the session's attributes for its WebSocket context, which creates a session, so an upgrade goes
 * through Jetty's handler and its session is made, committed and expired as before.
 */
final class NoSessionsHandler extends SessionHandler {
  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (isUpgrade(request)) return super.handle(request, response, callback);
    Handler next = getHandler();
    if (next == null) return false;
    ServletContextRequest servletRequest = Request.as(request, ServletContextRequest.class);
    if (servletRequest != null)
      servletRequest.setRequestedSession(RequestedSession.NO_REQUESTED_SESSION);
    return next.handle(request, response, callback);
  }

  @Override
  public void newSession(Request request, String requestedId, Consumer<ManagedSession> consumer) {
    if (!isUpgrade(request))
      throw new UnsupportedOperationException(
          "Switchboard keeps no servlet sessions (see NoSessionsHandler)");
    super.newSession(request, requestedId, consumer);
  }

  private static boolean isUpgrade(Request request) {
    return request.getHeaders().contains(HttpHeader.UPGRADE);
  }
}
