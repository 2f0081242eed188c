package io.switchboard.server.ratelimit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The limits of the {@code platform.api} namespace: one per bucket kind, and one per endpoint
 * group. Each limit is requests per {@link #WINDOW_SECONDS}; 0 means the bucket does not exist.
 */
public final class LimitCatalog {
  public static final String NAMESPACE = "platform.api";
  public static final int WINDOW_SECONDS = 60;

  /**
   * The largest value a limit may take; large enough for any real use, small enough to stay exact.
   */
  public static final long MAX_VALUE = 100_000_000L;

  public static final String TOKEN = "client.credentials.token.rate.per.minute";
  public static final String CLIENT = "client.rate.per.minute";
  public static final String ORG = "org.rate.per.minute";

  public enum Kind {
    TOKEN,
    CLIENT,
    ORG,
    GROUP
  }

  /**
   * One limit: its key, the bucket kind it governs, the group for {@link Kind#GROUP}, and the
   * bucket's name in headers and error bodies ({@code token}, {@code client}, {@code org}, {@code
   * group:scripts}).
   */
  public record Definition(String key, Kind kind, String group, String bucketName) {}

  public static final List<Definition> ALL = definitions();
  private static final Map<String, Definition> BY_KEY = index(ALL);
  private static final Map<String, Definition> BY_GROUP = byGroup(ALL);

  private LimitCatalog() {}

  public static Optional<Definition> find(String key) {
    return Optional.ofNullable(BY_KEY.get(key));
  }

  /**
   * The definition of an endpoint group's limit, found without building its key (the request path);
   * null for a group that does not exist.
   */
  static Definition ofGroup(String group) {
    return BY_GROUP.get(group);
  }

  public static String groupKey(String group) {
    return "group." + group + ".rate.per.minute";
  }

  private static List<Definition> definitions() {
    var all = new ArrayList<Definition>();
    all.add(new Definition(TOKEN, Kind.TOKEN, null, "token"));
    all.add(new Definition(CLIENT, Kind.CLIENT, null, "client"));
    all.add(new Definition(ORG, Kind.ORG, null, "org"));
    for (String g : EndpointGroups.ALL)
      all.add(new Definition(groupKey(g), Kind.GROUP, g, "group:" + g));
    return List.copyOf(all);
  }

  private static Map<String, Definition> byGroup(List<Definition> all) {
    var m = new java.util.HashMap<String, Definition>();
    for (Definition d : all) if (d.kind() == Kind.GROUP) m.put(d.group(), d);
    return Map.copyOf(m);
  }

  private static Map<String, Definition> index(List<Definition> all) {
    var m = new LinkedHashMap<String, Definition>();
    for (Definition d : all) m.put(d.key(), d);
    return Collections.unmodifiableMap(m);
  }
}
