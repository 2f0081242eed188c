package io.switchboard.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/** The server's error shape (Genesys ErrorBody). {@code contextId} is the request's correlation id. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ErrorBody(String message, String code, int status, Map<String, Object> messageParams, String contextId) {
  public ErrorBody {
    messageParams = messageParams == null ? Map.of() : Map.copyOf(messageParams);
  }
}
