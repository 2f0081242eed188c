package io.switchboard.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code /api/v2/architect/external-apis}: the org's external APIs (data actions). Scope {@code
 * architect} ({@code architect:readonly} for reads).
 *
 * <pre>{@code
 * client.externalApis().all(new ExternalApisApi.Filter(null, 3000), 100)
 *     .forEach(api -> client.externalApis().setTimeout(api.id(), 5000, api.version()));
 * }</pre>
 */
public final class ExternalApisApi {
  static final String BASE = "/api/v2/architect/external-apis";

  private final SwitchboardClient client;

  ExternalApisApi(SwitchboardClient client) {
    this.client = client;
  }

  /**
   * One request header of an external API.
   *
   * @param key the header name
   * @param value its value (a template)
   */
  public record Header(String key, String value) {}

  /**
   * An external API as the server shows it.
   *
   * @param timeout the budget of one execution in milliseconds (1000..30000), retries included
   * @param retry how often a 429 or 5xx answer is retried (0..3)
   * @param version increases with every write; send it back to make a write conditional
   * @param id the external API's id
   * @param name its name
   * @param description its description, or null
   * @param protocol {@code http} or {@code https}
   * @param method the HTTP method
   * @param url the URL (a template)
   * @param headers request headers (templates)
   * @param credentialId the stored credential it calls with, or null
   * @param requestTemplate the body template, or null
   * @param responseMapping output name to JSONPath, or null
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
      Object requestTemplate,
      Map<String, Object> responseMapping,
      long version,
      Instant dateCreated,
      Instant dateModified,
      String selfUri) {}

  /**
   * What to create; {@code null} fields take the server's defaults (timeout 3000 ms, no retry).
   *
   * @param name its name
   * @param description its description, or null
   * @param method the HTTP method
   * @param url the URL (a template)
   * @param timeout the budget of one execution in milliseconds
   * @param retry how often a 429 or 5xx is retried (0..3)
   * @param headers request headers (templates)
   * @param credentialId the stored credential it calls with, or null
   * @param requestTemplate the body template, or null
   * @param responseMapping output name to JSONPath, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record NewExternalApi(
      String name,
      String description,
      String method,
      String url,
      Integer timeout,
      Integer retry,
      List<Header> headers,
      String credentialId,
      Object requestTemplate,
      Map<String, Object> responseMapping) {
    /**
     * The least there is to say: a name, a method and a URL.
     *
     * @param name its name
     * @param method the HTTP method
     * @param url the URL (a template)
     * @return the request
     */
    public static NewExternalApi of(String name, String method, String url) {
      return new NewExternalApi(name, null, method, url, null, null, null, null, null, null);
    }

    /**
     * This API with another timeout per call, in milliseconds.
     *
     * @param timeoutMs the timeout in milliseconds
     * @return a copy with the new timeout
     */
    public NewExternalApi withTimeout(int timeoutMs) {
      return new NewExternalApi(
          name,
          description,
          method,
          url,
          timeoutMs,
          retry,
          headers,
          credentialId,
          requestTemplate,
          responseMapping);
    }
  }

  /**
   * A query filter: {@code name} is a case-insensitive glob ({@code *}, {@code ?}); {@code timeout}
   * is exact. Both optional.
   *
   * @param name a case-insensitive glob, or null
   * @param timeout the budget of one execution in milliseconds
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Filter(String name, Integer timeout) {
    public static final Filter NONE = new Filter(null, null);
  }

  /**
   * One page of a query; {@code continuationToken} is null on the last page.
   *
   * @param entities this page's APIs
   * @param continuationToken the token of the page to fetch, or null for the first
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record QueryPage(List<ExternalApi> entities, String continuationToken) {}

  /**
   * What {@code POST .../{id}/test} reports: exactly one of {@code outputs} and {@code error} is
   * present.
   *
   * @param success whether the execution worked
   * @param status the upstream's status, or null
   * @param latencyMs how long it took
   * @param attempts how many calls it made
   * @param outputs the mapped outputs, or null
   * @param error why it failed, or null
   * @param circuit the API's circuit breaker state
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record TestReport(
      boolean success,
      Integer status,
      long latencyMs,
      int attempts,
      Map<String, Object> outputs,
      Failure error,
      String circuit) {
    /**
     * {@code kind} is one of {@code timeout, http, invalid-response, circuit-open}.
     *
     * @param kind what failed
     * @param detail the details
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Failure(String kind, String detail) {}
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record QueryRequest(int limit, String continuationToken, Filter filter) {}

  /**
   * Creates an external API. Not retried (no idempotency key on this endpoint).
   *
   * @param api the external API
   * @return the new external API
   */
  public ExternalApi create(NewExternalApi api) {
    return client.call(ApiRequest.post(BASE, api), ExternalApi.class);
  }

  /**
   * One external API ({@link ApiException.NotFoundException} if not in this org).
   *
   * @param id the external API's id
   * @return the external API
   */
  public ExternalApi get(String id) {
    return client.call(ApiRequest.get(BASE + "/" + Paths.segment(id)), ExternalApi.class);
  }

  /**
   * One page of {@code POST .../query}: up to {@code limit} (1..100) APIs after {@code
   * continuationToken} (null for the first page). A query is a read, so it is retried like one.
   *
   * @param filter the filter
   * @param limit items per page
   * @param continuationToken the token of the page to fetch, or null for the first
   * @return the page and the token of the next one
   */
  public QueryPage query(Filter filter, int limit, String continuationToken) {
    var body =
        new QueryRequest(
            limit, continuationToken, filter == null || filter.equals(Filter.NONE) ? null : filter);
    return client.call(ApiRequest.post(BASE + "/query", body), QueryPage.class);
  }

  /**
   * Every external API matching {@code filter}, fetched lazily page by page with continuation
   * tokens (each at most {@code pageSize}, 1..100). Each API appears once even while others are
   * added or changed.
   *
   * @param filter the filter
   * @param pageSize items per page
   * @return the items, fetched lazily
   */
  public Stream<ExternalApi> all(Filter filter, int pageSize) {
    return Pages.streamQuery(token -> {
      QueryPage page = query(filter, pageSize, token);
      return new io.switchboard.client.QueryPage<>(page.entities(), page.continuationToken());
    });
  }

  /**
   * Changes only the given fields ({@code PATCH}). With {@code version} the write is conditional: a
   * stale version fails with {@link ApiException.VersionMismatchException} naming the current one,
   * and because a conditional write cannot apply twice, the client retries it (429, 5xx) like an
   * idempotent call.
   *
   * @param id the external API's id
   * @param changes the fields to change (JSON merge patch)
   * @param version the version it must still have, or null for none
   * @return the API as changed
   */
  public ExternalApi patch(String id, Map<String, ?> changes, Long version) {
    var body = new LinkedHashMap<String, Object>(changes);
    if (version != null) body.put("version", version);
    ApiRequest request = ApiRequest.patch(BASE + "/" + Paths.segment(id), body, "application/json");
    if (version != null) request = request.header("If-Match", "\"" + version + "\"");
    return client.call(request, ExternalApi.class);
  }

  /**
   * Sets the timeout (1000..30000 ms) of the API at {@code version}; see {@link #patch}.
   *
   * @param id the external API's id
   * @param timeoutMs the timeout in milliseconds
   * @param version the version it must still have, or null for none
   * @return the API as changed
   */
  public ExternalApi setTimeout(String id, int timeoutMs, long version) {
    return patch(id, Map.of("timeout", timeoutMs), version);
  }

  /**
   * Deletes one.
   *
   * @param id the external API's id
   */
  public void delete(String id) {
    client.send(ApiRequest.delete(BASE + "/" + Paths.segment(id)));
  }

  /**
   * Runs the API once with {@code inputs} and returns the report (a failed call is a report, not an
   * exception).
   *
   * @param id the external API's id
   * @param inputs the inputs by name
   * @return the report of the run
   */
  public TestReport test(String id, Map<String, ?> inputs) {
    // Not retried: the call reaches a partner's system, and running it twice is not the caller's
    // choice to make for them.
    return client.call(
        ApiRequest.post(
            BASE + "/" + Paths.segment(id) + "/test",
            Map.of("inputs", inputs == null ? Map.of() : inputs)),
        TestReport.class);
  }
}
