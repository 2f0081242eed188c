package io.switchboard.server.ratelimit;

import java.util.Optional;

/**
 * One bucket a request draws from: its key (org first, so an org's buckets can be found together),
 * the limit that governs it and the version of the org's limits that set it.
 */
public record BucketSpec(
    String key,
    String orgId,
    LimitCatalog.Definition definition,
    String subject,
    long limit,
    long version) {
  public static BucketSpec of(
      String orgId, LimitCatalog.Definition d, String subject, long limit, long version) {
    return new BucketSpec(keyOf(orgId, d, subject), orgId, d, subject, limit, version);
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
    return d.map(def ->
        new BucketSpec(
            key, limits.orgId(), def, subject, limits.value(def.key()), limits.version()));
  }
}
