package io.switchboard.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v2/switchboard/faults}: fault rules that make the server (or a data action's outbound
 * call) fail on purpose, and the scenarios that install several at once. A Switchboard extension.
 * Reading needs scope {@code faults}; changing needs {@code faults} and {@code oauth} (org admins).
 */
public final class FaultsApi {
  private static final String BASE = "/api/v2/switchboard/faults";

  private final SwitchboardClient client;

  FaultsApi(SwitchboardClient client) {
    this.client = client;
  }

  /**
   * A request header a rule requires.
   *
   * @param name the header
   * @param value the value it must equal, or null for any
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record HeaderMatch(String name, String value) {}

  /**
   * What a request (or an outbound data-action call) must look like for the rule to apply; null
   * fields match anything.
   *
   * @param method the HTTP method
   * @param path a path glob, for example {@code /api/v2/users/*}
   * @param clientId the OAuth client sending it
   * @param header a header it carries
   * @param externalApiId the external API or data action called out through
   * @param host the outbound host
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Match(
      String method,
      String path,
      String clientId,
      HeaderMatch header,
      String externalApiId,
      String host) {
    /**
     * Requests of one method and path glob.
     *
     * @param method the HTTP method, or null for any
     * @param path the path glob
     * @return the match
     */
    public static Match of(String method, String path) {
      return new Match(method, path, null, null, null, null);
    }
  }

  /**
   * What a rule does; which fields count depends on {@code type} (see docs/faults.md).
   *
   * @param type {@code latency}, {@code status}, {@code reset}, {@code stall}, {@code outage}...
   *     (docs/faults.md)
   * @param latencyMs a fixed delay
   * @param minLatencyMs the least of a random delay
   * @param maxLatencyMs the most of a random delay
   * @param status the status of an injected error
   * @param retryAfterSeconds the {@code Retry-After} of an injected 429/503
   * @param message the message of an injected error
   * @param count how many times it applies
   * @param from when it starts applying
   * @param until when it stops applying
   * @param limit requests allowed per window
   * @param windowSeconds the window of {@code limit}
   * @param lagMs a replication lag
   * @param durationMs how long it lasts
   * @param body a body to answer with
   * @param contentType that body's media type
   * @param previousVersion answer with the previous version
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Effect(
      String type,
      Long latencyMs,
      Long minLatencyMs,
      Long maxLatencyMs,
      Integer status,
      Long retryAfterSeconds,
      String message,
      Long count,
      String from,
      String until,
      Long limit,
      Long windowSeconds,
      Long lagMs,
      Long durationMs,
      String body,
      String contentType,
      Boolean previousVersion) {
    /**
     * An injected error answer.
     *
     * @param status its HTTP status
     * @return the effect
     */
    public static Effect error(int status) {
      return new Effect(
          "status", null, null, null, status, null, null, null, null, null, null, null, null, null,
          null, null, null);
    }

    /**
     * A fixed delay before the request is served.
     *
     * @param latencyMs the delay
     * @return the effect
     */
    public static Effect latency(long latencyMs) {
      return new Effect(
          "latency", latencyMs, null, null, null, null, null, null, null, null, null, null, null,
          null, null, null, null);
    }
  }

  /**
   * A rule as written; null fields take the server's defaults.
   *
   * @param name its name
   * @param enabled whether it applies (default true)
   * @param match what it applies to
   * @param probability the share of matching requests it applies to, 0..1 (default 1)
   * @param seed the random seed, for repeatable runs
   * @param effect what it does
   * @param silent whether injected answers hide that they are injected
   * @param ttlSeconds how long it lives
   * @param until when it expires (ISO-8601), instead of {@code ttlSeconds}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record NewRule(
      String name,
      Boolean enabled,
      Match match,
      Double probability,
      Long seed,
      Effect effect,
      Boolean silent,
      Long ttlSeconds,
      String until) {
    /**
     * A rule with the server's defaults for the rest.
     *
     * @param name its name
     * @param match what it applies to
     * @param effect what it does
     * @param ttlSeconds how long it lives
     * @return the rule
     */
    public static NewRule of(String name, Match match, Effect effect, long ttlSeconds) {
      return new NewRule(name, null, match, null, null, effect, null, ttlSeconds, null);
    }
  }

  /**
   * A rule on the server.
   *
   * @param id its id
   * @param name its name
   * @param enabled whether it is enabled
   * @param active whether it applies now (enabled, not expired)
   * @param match what it applies to
   * @param probability the share of matching requests it applies to
   * @param seed its random seed
   * @param effect what it does
   * @param silent whether injected answers hide that they are injected
   * @param scenario the scenario that installed it, or null
   * @param until when it expires
   * @param dateCreated when it was created
   * @param matched how many requests matched it
   * @param injected how many times it acted
   * @param selfUri its path
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Rule(
      String id,
      String name,
      boolean enabled,
      boolean active,
      Match match,
      double probability,
      long seed,
      Effect effect,
      boolean silent,
      String scenario,
      Instant until,
      Instant dateCreated,
      long matched,
      long injected,
      String selfUri) {}

  /**
   * A built-in scenario.
   *
   * @param name its name
   * @param description what it simulates
   * @param rules how many rules it installs
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ScenarioInfo(String name, String description, int rules) {}

  /**
   * What applying a scenario installed.
   *
   * @param scenario its name
   * @param entities the rules it installed
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Applied(String scenario, List<Rule> entities) {}

  private record Listing(List<Rule> entities, int total) {}

  private record ScenarioListing(List<ScenarioInfo> entities) {}

  /**
   * Creates a rule. Not retried. A bad rule is {@link ApiException.InvalidRequestException} naming
   * the field.
   *
   * @param rule what to create
   * @return the new rule
   */
  public Rule create(NewRule rule) {
    return client.call(ApiRequest.post(BASE, rule), Rule.class);
  }

  /**
   * One rule.
   *
   * @param id its id
   * @return the rule ({@link ApiException.NotFoundException} if not in this org)
   */
  public Rule get(String id) {
    return client.call(ApiRequest.get(BASE + "/" + Paths.segment(id)), Rule.class);
  }

  /**
   * The org's rules.
   *
   * @return every rule, with its counters
   */
  public List<Rule> list() {
    Listing l = client.call(ApiRequest.get(BASE), Listing.class);
    return l == null || l.entities() == null ? List.of() : l.entities();
  }

  /**
   * Deletes a rule.
   *
   * @param id its id
   */
  public void delete(String id) {
    client.send(ApiRequest.delete(BASE + "/" + Paths.segment(id)));
  }

  /** Deletes every rule of the org. */
  public void clear() {
    client.send(ApiRequest.delete(BASE));
  }

  /**
   * The built-in scenarios.
   *
   * @return each with its description and rule count
   */
  public List<ScenarioInfo> scenarios() {
    ScenarioListing l = client.call(ApiRequest.get(BASE + "/scenarios"), ScenarioListing.class);
    return l == null || l.entities() == null ? List.of() : l.entities();
  }

  /**
   * Installs a built-in scenario's rules. Not retried.
   *
   * @param name the scenario ({@link ApiException.NotFoundException} if there is none)
   * @param ttlSeconds how long its rules live, or null for the server's default
   * @return the rules installed
   */
  public Applied applyScenario(String name, Long ttlSeconds) {
    var path = BASE + "/scenarios/" + Paths.segment(name);
    if (ttlSeconds != null) path += "?ttlSeconds=" + ttlSeconds;
    return client.call(ApiRequest.post(path, null), Applied.class);
  }

  /**
   * Installs a scenario of your own, written in YAML (or JSON) as docs/faults.md describes. Not
   * retried.
   *
   * @param yaml the scenario
   * @param ttlSeconds how long its rules live, or null for the server's default
   * @return the rules installed
   */
  public Applied applyScenarioYaml(String yaml, Long ttlSeconds) {
    var path = BASE + "/scenarios" + (ttlSeconds == null ? "" : "?ttlSeconds=" + ttlSeconds);
    var request =
        new ApiRequest(
            "POST",
            path,
            Map.of(),
            yaml.getBytes(StandardCharsets.UTF_8),
            "application/yaml",
            null,
            false);
    return client.call(request, Applied.class);
  }
}
