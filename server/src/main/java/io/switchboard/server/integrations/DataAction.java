package io.switchboard.server.integrations;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A Genesys data action ({@code Action}): its request and response configuration (Velocity
 * templates, a JSONPath translation map) and its contract (the input and success JSON Schemas).
 */
public record DataAction(
    String id,
    String orgId,
    String integrationId,
    String name,
    String category,
    boolean secure,
    Config config,
    Contract contract,
    long version,
    Instant createdAt,
    Instant modifiedAt) {

  public static final int MIN_TIMEOUT_SECONDS = 1;
  public static final int MAX_TIMEOUT_SECONDS = 60;
  public static final int DEFAULT_TIMEOUT_SECONDS = 60;

  /** {@code config}: Genesys's {@code ActionConfig}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Config(Integer timeoutSeconds, Request request, Response response) {
    public int timeoutMillis() {
      return (timeoutSeconds == null ? DEFAULT_TIMEOUT_SECONDS : timeoutSeconds) * 1000;
    }
  }

  /** {@code config.request}: Genesys's {@code RequestConfig}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Request(
      String requestUrlTemplate,
      String requestType,
      Map<String, String> headers,
      String requestTemplate) {}

  /** {@code config.response}: Genesys's {@code ResponseConfig}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Response(
      Map<String, String> translationMap,
      Map<String, String> translationMapDefaults,
      String successTemplate) {}

  /** {@code contract}: the input and success schemas. */
  public record Contract(Input input, Output output) {}

  public record Input(JsonNode inputSchema) {}

  public record Output(JsonNode successSchema) {}

  public JsonNode inputSchema() {
    return contract == null || contract.input() == null ? null : contract.input().inputSchema();
  }

  public JsonNode successSchema() {
    return contract == null || contract.output() == null ? null : contract.output().successSchema();
  }
}
