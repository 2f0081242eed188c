package io.switchboard.client;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One notification as Genesys sends it: {@code topicName}, {@code eventBody} and the {@code
 * CorrelationId} of the request that caused it. {@link #bodyAs} binds the body to a type of yours
 * (or of this library, e.g. {@link SessionsApi.Session}).
 */
public record NotificationEvent(
    String topicName, JsonNode eventBody, String correlationId, JsonMapper json) {
  public <T> T bodyAs(Class<T> type) {
    return json.treeToValue(eventBody, type);
  }

  @Override
  public String toString() {
    return "NotificationEvent[" + topicName + ", correlationId=" + correlationId + "]";
  }
}
