package io.switchboard.client;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Requests the server answered, read from its own {@code /metrics}: what reached the server, not
 * what the client says.
 */
final class ServerMetrics {
  private ServerMetrics() {}

  /**
   * The server records a request just after it has sent the answer, so a count read the instant a
   * call returns may lag by that one request: read until two readings agree.
   */
  private static long settled(java.util.function.LongSupplier read) {
    long previous = read.getAsLong();
    for (int i = 0; i < 40; i++) {
      java.util.concurrent.locks.LockSupport.parkNanos(25_000_000);
      long now = read.getAsLong();
      if (now == previous) return now;
      previous = now;
    }
    return previous;
  }

  static long count(TestServer server, String method, String route, int status) {
    return settled(() -> read(server, method, route, status));
  }

  static long count(TestServer server, String method, String route) {
    return settled(() -> read(server, method, route));
  }

  private static long read(TestServer server, String method, String route, int status) {
    String metrics = new Api(server.baseUrl()).get("/metrics", null).body();
    String series =
        "http_server_requests_seconds_count{method=\""
            + method
            + "\",route=\""
            + route
            + "\",status=\""
            + status
            + "\"} ";
    Matcher m = Pattern.compile(Pattern.quote(series) + "([0-9.E]+)").matcher(metrics);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  /** Every answer to {@code method route}, whatever its status. */
  private static long read(TestServer server, String method, String route) {
    String metrics = new Api(server.baseUrl()).get("/metrics", null).body();
    String prefix =
        "http_server_requests_seconds_count{method=\""
            + method
            + "\",route=\""
            + route
            + "\",status=\"";
    long total = 0;
    Matcher m = Pattern.compile(Pattern.quote(prefix) + "[0-9]+\"} ([0-9.E]+)").matcher(metrics);
    while (m.find()) total += (long) Double.parseDouble(m.group(1));
    return total;
  }
}
