package io.switchboard.client;

import java.time.Duration;

/**
 * Sees every request before it is sent and every answer as it arrives (each try, retries included),
 * as installed with {@link SwitchboardClient.Builder#interceptor}. Runs on the calling thread; an
 * exception it throws fails the call. The request it sees carries no {@code Authorization} header
 * (the client adds the token after it), so an interceptor that logs requests cannot leak it.
 */
public interface ClientInterceptor {
  /**
   * Called before each try; returns the request to send (for example with a header added), or
   * {@code request} unchanged.
   *
   * @param request the request
   * @return a copy of this request with the change
   */
  default ApiRequest beforeSend(ApiRequest request) {
    return request;
  }

  /**
   * Called after each try that got an answer (any status), with the time the exchange took.
   *
   * @param request the request
   * @param response the answer
   * @param took how long it took
   */
  default void afterResponse(ApiRequest request, ApiResponse response, Duration took) {}
}
