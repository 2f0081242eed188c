package io.switchboard.server.notifications;

/** One WebSocket as the hub sees it: Jetty's session behind it (see {@code NotificationRoutes}). */
interface Outlet {
  /** Sends one text message; returns when it is written, throws when it cannot be. */
  void send(String text) throws Exception;

  void close(int code, String reason);
}
