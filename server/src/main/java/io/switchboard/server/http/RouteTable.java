package io.switchboard.server.http;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.javalin.security.Roles;
import io.javalin.security.RouteRole;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The HTTP routes as a tree of path segments, looked up one segment at a time. Javalin matches a
 * request by trying each route's regular expression in turn and then runs the matched one's
 * expressions again to extract the path parameters: on a cached read that was a tenth of the CPU of
 * the request (issue 14). This table gives the same answer as Javalin's matcher for the route
 * syntax the API uses (literal segments and whole-segment {@code {name}} parameters, trailing slash
 * ignored, case-sensitive): among the routes that match, the first registered wins, and parameter
 * values are URL-decoded as Javalin decodes them ({@code +} stays a plus). {@code RouteTableTest}
 * checks it against Javalin's own matcher on random paths.
 */
final class RouteTable {
  /** A matched route and the request path's segments it matched. */
  static final class Match {
    private final Route route;
    private final String path;
    private final int[] bounds;

    private Match(Route route, String path, int[] bounds) {
      this.route = route;
      this.path = path;
      this.bounds = bounds;
    }

    Endpoint endpoint() {
      return route.endpoint;
    }

    /** The route's handler, wrapped once at registration. */
    Handler handler() {
      return route.handler;
    }

    Set<RouteRole> roles() {
      return route.roles;
    }

    /**
     * The path parameters, decoded as Javalin decodes them (percent-escapes decoded, a plus left a
     * plus).
     *
     * @throws IllegalArgumentException for a malformed percent-escape
     */
    Map<String, String> params() {
      if (route.paramNames.length == 0) return Map.of();
      Map<String, String> params = new HashMap<>(route.paramNames.length * 2);
      for (int i = 0; i < route.paramNames.length; i++) {
        int segment = route.paramSegments[i];
        params.put(
            route.paramNames[i],
            decode(path.substring(bounds[2 * segment], bounds[2 * segment + 1])));
      }
      return params;
    }
  }

  private record Route(
      int order,
      Endpoint endpoint,
      Handler handler,
      Set<RouteRole> roles,
      String[] paramNames,
      int[] paramSegments) {}

  private static final class Node {
    final Map<String, Node> literals = new HashMap<>();
    Node parameter;
    Route route;
  }

  private final Map<HandlerType, Node> roots = new HashMap<>();
  private final Function<Endpoint, Handler> wrapper;
  private int registered;

  /** Every route path added, by method, in order: what {@link #tailRoute} checks against. */
  private final Map<HandlerType, List<String>> added = new HashMap<>();

  /**
   * {@code wrapper} turns a route's handler into what runs for it (admission, then the handler).
   */
  RouteTable(Function<Endpoint, Handler> wrapper) {
    this.wrapper = wrapper;
  }

  /** Whether {@code path} is in the syntax this table matches exactly as Javalin does. */
  static boolean supports(String path) {
    if (!path.startsWith("/")) return false;
    for (String segment : segments(path)) {
      if (segment.isEmpty()) return false;
      if (isParameter(segment)) continue;
      for (char c : new char[] {'{', '}', '<', '>', '*'}) if (segment.indexOf(c) >= 0) return false;
    }
    return true;
  }

  /**
   * Adds an HTTP route. Refuses a path outside the supported syntax rather than matching it
   * differently from Javalin.
   */
  void add(Endpoint endpoint) {
    if (!supports(endpoint.path)) {
      throw new IllegalArgumentException(
          "route "
              + endpoint.path
              + ": the route table matches literal segments and whole-segment {name} parameters"
              + " only (RouteTable)");
    }
    added.computeIfAbsent(endpoint.method, m -> new ArrayList<>()).add(endpoint.path);
    List<String> segments = segments(endpoint.path);
    Node node = roots.computeIfAbsent(endpoint.method, m -> new Node());
    List<String> names = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < segments.size(); i++) {
      String segment = segments.get(i);
      if (isParameter(segment)) {
        names.add(segment.substring(1, segment.length() - 1));
        positions.add(i);
        if (node.parameter == null) node.parameter = new Node();
        node = node.parameter;
      } else {
        node = node.literals.computeIfAbsent(segment, s -> new Node());
      }
    }
    // A second route of the same shape is never reached by Javalin either: the first one wins.
    if (node.route != null) return;
    Roles roles = endpoint.metadata(Roles.class);
    node.route =
        new Route(
            registered++,
            endpoint,
            wrapper.apply(endpoint),
            roles == null ? Set.of() : roles.getRoles(),
            names.toArray(String[]::new),
            positions.stream().mapToInt(Integer::intValue).toArray());
  }

  /**
   * A route whose only parameter is its last segment ({@code /a/b/{id}}), found for a path by a
   * comparison of its literal start and one set lookup instead of a walk of the tree: for the hot
   * reads, which look for their route on every request ahead of the table's own lookup.
   */
  static final class TailRoute {
    private final String prefix;
    private final Endpoint endpoint;
    private final Set<RouteRole> roles;
    private final Set<String> takenByOthers;

    private TailRoute(
        String prefix, Endpoint endpoint, Set<RouteRole> roles, Set<String> takenByOthers) {
      this.prefix = prefix;
      this.endpoint = endpoint;
      this.roles = roles;
      this.takenByOthers = takenByOthers;
    }

    Endpoint endpoint() {
      return endpoint;
    }

    Set<RouteRole> roles() {
      return roles;
    }

    /**
     * The parameter's value when the table gives {@code rawPath} to this route, for a path without
     * a percent-escape; null otherwise. Null too for a path the table would give it with a trailing
     * slash: a lookup that answers null leaves the path to the table.
     */
    String parameter(String rawPath) {
      if (!rawPath.startsWith(prefix)) return null;
      int from = prefix.length();
      if (rawPath.length() == from || rawPath.indexOf('/', from) >= 0) return null;
      String segment = rawPath.substring(from);
      return takenByOthers.contains(segment) ? null : segment;
    }
  }

  /**
   * {@code route}, added for {@code method} and ending in its only parameter, as a {@link
   * TailRoute}. Among the paths of its shape, the table gives another route only those whose last
   * segment is another route's literal last segment, or all of them to a route with a parameter
   * there that was added first: the first are found here by asking the table, the second refused.
   *
   * @throws IllegalArgumentException for a route that is not of that shape or never found
   */
  TailRoute tailRoute(HandlerType method, String route) {
    int brace = route.indexOf('{');
    if (brace < 0 || route.lastIndexOf('/') > brace || route.indexOf('{', brace + 1) >= 0)
      throw new IllegalArgumentException(
          route + ": not a route whose only parameter is its last segment");
    String prefix = route.substring(0, brace);
    // No literal segment has braces: this path reaches a route only through a parameter.
    Match match = find(method, prefix + "{}");
    if (match == null || !match.endpoint().path.equals(route))
      throw new IllegalArgumentException(
          route
              + ": the table gives its paths to no route of that path (not added, or a route added"
              + " before it takes every path it would)");
    int segmentCount = segments(route).size();
    var takenByOthers = new HashSet<String>();
    for (String other : added.getOrDefault(method, List.of())) {
      List<String> segments = segments(other);
      if (segments.size() != segmentCount || isParameter(segments.getLast())) continue;
      String last = segments.getLast();
      Match forLast = find(method, prefix + last);
      if (forLast == null || forLast.endpoint() != match.endpoint()) takenByOthers.add(last);
    }
    return new TailRoute(prefix, match.endpoint(), match.roles(), Set.copyOf(takenByOthers));
  }

  /** The route for a request, or null; {@code rawPath} is the path as sent (not decoded). */
  Match find(HandlerType method, String rawPath) {
    Node root = roots.get(method);
    if (root == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') return null;
    int end = rawPath.length();
    // Javalin ignores one trailing slash ("/a/b/" is "/a/b"), but the root route is "/" exactly.
    if (end > 1 && rawPath.charAt(end - 1) == '/') {
      end--;
      if (end == 1) return null;
    }
    int count = 0;
    if (end > 1) {
      for (int i = 0; i < end; i++) if (rawPath.charAt(i) == '/') count++;
    }
    // Segment i of the path is [bounds[2i], bounds[2i + 1]).
    int[] bounds = new int[2 * count];
    for (int i = 0, from = 1; i < count; i++) {
      int to = rawPath.indexOf('/', from);
      if (to < 0 || to > end) to = end;
      bounds[2 * i] = from;
      bounds[2 * i + 1] = to;
      from = to + 1;
    }
    Route route = best(root, rawPath, bounds, 0);
    return route == null ? null : new Match(route, rawPath, bounds);
  }

  /** The earliest registered route under {@code node} that matches the segments from {@code i}. */
  private static Route best(Node node, String path, int[] bounds, int i) {
    if (2 * i == bounds.length) return node.route;
    int from = bounds[2 * i];
    int to = bounds[2 * i + 1];
    Route found = null;
    Node literal = node.literals.get(path.substring(from, to));
    if (literal != null) found = best(literal, path, bounds, i + 1);
    // A parameter matches one non-empty segment.
    if (node.parameter != null && to > from) {
      Route viaParameter = best(node.parameter, path, bounds, i + 1);
      if (viaParameter != null && (found == null || viaParameter.order < found.order))
        found = viaParameter;
    }
    return found;
  }

  private static String decode(String raw) {
    if (raw.indexOf('%') < 0) return raw;
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static boolean isParameter(String segment) {
    return segment.length() > 2
        && segment.charAt(0) == '{'
        && segment.charAt(segment.length() - 1) == '}'
        && segment.indexOf('{', 1) < 0
        && segment.indexOf('}') == segment.length() - 1;
  }

  private static List<String> segments(String path) {
    String trimmed =
        path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    if (trimmed.equals("/")) return List.of();
    return List.of(trimmed.substring(1).split("/", -1));
  }
}
