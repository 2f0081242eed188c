package io.switchboard.server.externalapis;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.util.concurrent.TimeoutException;

/**
 * One outbound exchange of a data action's call (an external API or an integration action): the
 * seam where the engine meets the network ({@link OutboundHttp#send}), and where a decorator (fault
 * injection) may stand between them.
 */
@FunctionalInterface
public interface OutboundExchange {
  OutboundHttp.Response send(ExternalApiEngine.Call call, HttpRequest request, long deadlineNanos)
      throws IOException, TimeoutException;

  /** The plain exchange: straight to the network. */
  static OutboundExchange direct(OutboundHttp http) {
    return (call, request, deadlineNanos) -> http.send(request, deadlineNanos);
  }
}
