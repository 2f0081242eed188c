package io.switchboard.server.http;

import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * Jetty keeps, per HTTP connection, a cache of the header lines it has parsed (up to {@code
 * http.header-cache-size} entries, about 90 KiB at Jetty's default of 1,024). A keep-alive caller
 * sends the same {@code Authorization: Bearer ...} line (a 500-character token) on every request;
 * the cache matches it whole instead of parsing it byte by byte, which was a seventh of the CPU of
 * a cached read (issue 14, JFR). A WebSocket, though, keeps its upgrade request, and so that cache,
 * for its whole life while never parsing another header: 1,000 notification sockets held 90 MiB of
 * it. This drops the cache of a connection that has become a WebSocket.
 */
public final class ConnectionHeaderCache {
  private ConnectionHeaderCache() {}

  /** Releases the header cache of the connection {@code request} arrived on (HTTP/1.1 only). */
  public static void release(HttpServletRequest request) {
    ServletContextRequest jetty = ServletContextRequest.getServletContextRequest(request);
    if (jetty != null
        && jetty.getConnectionMetaData().getConnection() instanceof HttpConnection http)
      http.getParser().setHeaderCacheSize(0);
  }
}
