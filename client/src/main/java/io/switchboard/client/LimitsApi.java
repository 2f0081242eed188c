package io.switchboard.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v2/organizations/limits}: the org's rate limits (scope {@code limits}; changing them
 * {@code limits:edit}) and live usage of its buckets.
 */
public final class LimitsApi {
  private static final String BASE = "/api/v2/organizations/limits";

  /** The one namespace: requests per minute to the Platform API. */
  public static final String PLATFORM_API = "platform.api";

  /** The per-access-token limit (default 300 per minute). */
  public static final String TOKEN_RATE = "client.credentials.token.rate.per.minute";

  private final SwitchboardClient client;

  LimitsApi(SwitchboardClient client) {
    this.client = client;
  }

  /**
   * One limit (Genesys {@code Limit}).
   *
   * @param key for example {@code client.credentials.token.rate.per.minute}
   * @param namespace {@code platform.api}
   * @param value requests per minute (0: no such bucket); in a change, null means "back to the
   *     default"
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Limit(String key, String namespace, Long value) {
    /**
     * A change of one limit of {@code platform.api}.
     *
     * @param key the limit's key
     * @param value its value, or null for the default
     * @return the change
     */
    public static Limit of(String key, Long value) {
      return new Limit(key, PLATFORM_API, value);
    }
  }

  /**
   * One bucket's live usage.
   *
   * @param bucket its name ({@code token}, {@code client}, {@code org}, {@code group:scripts})
   * @param key the limit key that sets it
   * @param namespace {@code platform.api}
   * @param id what it counts (a token, a client, the org)
   * @param limit requests per window
   * @param windowSeconds the window
   * @param remaining what is left now
   * @param refusedLastMinute 429s it gave in the last minute
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Usage(
      String bucket,
      String key,
      String namespace,
      String id,
      long limit,
      int windowSeconds,
      long remaining,
      long refusedLastMinute) {}

  /**
   * The org's usage.
   *
   * @param store where the buckets live ({@code memory} or {@code redis})
   * @param entities one row per bucket
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record UsageReport(String store, List<Usage> entities) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record Listing(List<Limit> entities) {}

  /**
   * The org's effective limits in a namespace.
   *
   * @param namespace the limit namespace, or null for all
   * @return the effective limits
   */
  public List<Limit> get(String namespace) {
    return client
        .call(ApiRequest.get(BASE + "/namespaces/" + Paths.segment(namespace)), Listing.class)
        .entities();
  }

  /**
   * The platform's defaults of a namespace (what an org without its own value gets).
   *
   * @param namespace the limit namespace, or null for all
   * @return the default limits
   */
  public List<Limit> defaults(String namespace) {
    return client
        .call(
            ApiRequest.get(BASE + "/namespaces/" + Paths.segment(namespace) + "/defaults"),
            Listing.class)
        .entities();
  }

  /**
   * Changes some of the org's {@code platform.api} limits at once; answers the effective limits.
   *
   * @param changes the limits to set
   * @return the effective limits after the change
   */
  public List<Limit> set(List<Limit> changes) {
    return client
        .call(
            ApiRequest.put(BASE + "/namespaces/" + PLATFORM_API, Map.of("limits", changes)),
            Listing.class)
        .entities();
  }

  /**
   * Live usage of the org's buckets.
   *
   * @return the usage of each bucket
   */
  public UsageReport usage() {
    return client.call(ApiRequest.get(BASE + "/usage"), UsageReport.class);
  }
}
