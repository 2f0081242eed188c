package io.switchboard.server.ratelimit;

import java.util.Optional;

/**
 * One bucket a request draws from: its key (org first, so an org's buckets can be found together),
 * the limit that governs it and the version of the org's limits that set it, and the {@code
 * RateLimit-Policy} header that describes it (made with the spec, which the rate limiter keeps for
 * as long as the org's limits stand, rather than on every answer).
 */
public record BucketSpec(
    String key,
    String orgId,
    LimitCatalog.Definition definition,
    String subject,
    long limit,
    long version,
    String policy) {
  public static BucketSpec of(
      String orgId, LimitCatalog.Definition d, String subject, long limit, long version) {
    return new BucketSpec(
        keyOf(orgId, d, subject), orgId, d, subject, limit, version, policy(d.bucketName(), limit));
  }

  /**
   * The {@code RateLimit-Policy} value of a bucket with this limit
   * (draft-ietf-httpapi-ratelimit-headers-10: a List of Items, the item a String naming the
   * policy).
   */
  static String policy(String bucketName, long limit) {
    return '"' + bucketName + "\";q=" + limit + ";w=" + LimitCatalog.WINDOW_SECONDS;
  }

  public String name() {
    return definition.bucketName();
  }

  static String keyOf(String orgId, LimitCatalog.Definition d, String subject) {
    return switch (d.kind()) {
      case TOKEN -> orgId + ":token:" + subject;
      case CLIENT -> orgId + ":client:" + subject;
      case ORG -> orgId + ":org";
      case GROUP -> orgId + ":group:" + d.group();
    };
  }

  /** The definition and subject a key was made from, for listing an org's buckets. */
  static Optional<BucketSpec> parse(String key, OrgLimits limits) {
    String prefix = limits.orgId() + ":";
    if (!key.startsWith(prefix)) return Optional.empty();
    String rest = key.substring(prefix.length());
    int colon = rest.indexOf(':');
    String kind = colon < 0 ? rest : rest.substring(0, colon);
    String subject = colon < 0 ? limits.orgId() : rest.substring(colon + 1);
    Optional<LimitCatalog.Definition> d =
        switch (kind) {
          case "token" -> LimitCatalog.find(LimitCatalog.TOKEN);
          case "client" -> LimitCatalog.find(LimitCatalog.CLIENT);
          case "org" -> LimitCatalog.find(LimitCatalog.ORG);
          case "group" -> LimitCatalog.find(LimitCatalog.groupKey(subject));
          default -> Optional.empty();
        };
    return d.map(def -> {
      long limit = limits.value(def.key());
      return new BucketSpec(
          key,
          limits.orgId(),
          def,
          subject,
          limit,
          limits.version(),
          policy(def.bucketName(), limit));
    });
  }
}
