package io.switchboard.server.externalapis;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * An external API (a Genesys "data action"): where to call, how long to wait, how often to retry,
 * which stored credential to attach, how to build the body from inputs and how to map the answer to
 * outputs.
 *
 * @param timeout the whole budget of one execution in milliseconds (1000..30000), retries included
 * @param retry how many times a 429 or 5xx answer is retried (0..3)
 * @param requestTemplate the JSON body with {@code ${input.x}} placeholders, or null for no body
 */
public record ExternalApi(
    String id,
    String orgId,
    String name,
    String description,
    String protocol,
    String method,
    String url,
    int timeout,
    int retry,
    List<Header> headers,
    String credentialId,
    JsonNode requestTemplate,
    ResponseMapping responseMapping,
    long version,
    Instant createdAt,
    Instant modifiedAt) {

  public static final int MIN_TIMEOUT = 1000;
  public static final int MAX_TIMEOUT = 30_000;
  public static final int DEFAULT_TIMEOUT = 3000;
  public static final int MAX_RETRY = 3;

  /**
   * A request header; values may hold {@code ${input.x}} placeholders. Never a secret: use a
   * credential.
   */
  public record Header(String key, String value) {}

  /**
   * Output name to how it is read from the response: a path ({@code $.customer.tier}, {@code
   * $.items[0].id}, {@code $['odd key']}) or, for anything else, a CEL expression over {@code
   * body}, {@code status} and {@code headers}.
   */
  public record ResponseMapping(java.util.Map<String, String> outputs) {}
}
