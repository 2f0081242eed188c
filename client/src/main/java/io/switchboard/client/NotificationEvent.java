package io.switchboard.client;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One notification as Genesys sends it: {@code topicName}, {@code eventBody} and the {@code
 * CorrelationId} of the request that caused it. {@link #bodyAs} binds the body to a type of yours
 * (or of this library, e.g. {@link SessionsApi.Session}).
 *
 * @param topicName the topic
 * @param eventBody the body as sent
 * @param correlationId the correlation id of the request that caused it, or null
 * @param json the mapper {@link #bodyAs} binds with
 */
public record NotificationEvent(
    String topicName, JsonNode eventBody, String correlationId, JsonMapper json) {
  /**
   * The body bound to a type.
   *
   * @param type the type to bind to
   * @param <T> the type
   * @return the bound body
   */
  public <T> T bodyAs(Class<T> type) {
    return json.treeToValue(eventBody, type);
  }

  @Override
  public String toString() {
    return "NotificationEvent[" + topicName + ", correlationId=" + correlationId + "]";
  }
}
