package io.switchboard.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v2/architect/external-apis}: external APIs, the data actions flows call (scope
 * {@code architect}). {@link #streamQuery} walks the continuation-token query.
 */
public final class ExternalApisApi {
  private static final String BASE = "/api/v2/architect/external-apis";

  private final SwitchboardClient client;

  ExternalApisApi(SwitchboardClient client) {
    this.client = client;
  }

  /**
   * An external API.
   *
   * @param id its id
   * @param name its name
   * @param description free text
   * @param protocol the protocol
   * @param method the HTTP method
   * @param url where it calls
   * @param timeout milliseconds, 1000..30000
   * @param retry retries of 429/5xx, 0..3
   * @param headers request headers
   * @param credentialId the stored credential it attaches
   * @param requestTemplate the body template
   * @param responseMapping how outputs are read
   * @param version rises with every change
   * @param dateCreated when it was created
   * @param dateModified its last change
   * @param selfUri its path
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ExternalApi(
      String id,
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
      JsonNode responseMapping,
      long version,
      Instant dateCreated,
      Instant dateModified,
      String selfUri) {}

  /**
   * A request header of an external API.
   *
   * @param key the header name
   * @param value its value
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Header(String key, String value) {}

  /**
   * What narrows a query.
   *
   * @param name a case-insensitive glob ({@code *}, {@code ?}), or null
   * @param timeout an exact timeout in milliseconds, or null
   */
  public record Filter(String name, Integer timeout) {}

  /** Creates an external API from its JSON fields. Not retried. */
  public ExternalApi create(Map<String, ?> fields) {
    return client.call(ApiRequest.post(BASE, fields), ExternalApi.class);
  }

  /** One external API. */
  public ExternalApi get(String id) {
    return client.call(ApiRequest.get(path(id)), ExternalApi.class);
  }

  /** Changes only the given fields; with {@code version} among them the change is checked against it. */
  public ExternalApi patch(String id, Map<String, ?> fields) {
    return client.call(ApiRequest.patch(path(id), fields, "application/json"), ExternalApi.class);
  }

  /** Deletes one. */
  public void delete(String id) {
    client.send(ApiRequest.delete(path(id)));
  }

  /** One page-number page. */
  public Page<ExternalApi> list(int pageNumber, int pageSize) {
    return client.call(ApiRequest.get(BASE + "?pageSize=" + pageSize + "&pageNumber=" + pageNumber), client.pageOf(ExternalApi.class));
  }

  /**
   * One answer of the query: up to {@code limit} (1..100) items after {@code continuationToken} (null for the
   * first). The query only reads, so it is retried like a GET.
   */
  public QueryPage<ExternalApi> query(int limit, String continuationToken, Filter filter) {
    var body = new LinkedHashMap<String, Object>();
    body.put("limit", limit);
    if (continuationToken != null) body.put("continuationToken", continuationToken);
    if (filter != null) body.put("filter", filter);
    return client.call(ApiRequest.post(BASE + "/query", body).idempotent(), client.queryPageOf(ExternalApi.class));
  }

  /** Every external API matching {@code filter} (null for all), following continuation tokens lazily. */
  public Stream<ExternalApi> streamQuery(int limit, Filter filter) {
    return Pages.streamQuery(token -> query(limit, token, filter));
  }

  private static String path(String id) {
    return BASE + "/" + Paths.segment(id);
  }
}
