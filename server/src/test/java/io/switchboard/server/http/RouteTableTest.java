package io.switchboard.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.config.RouterConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.javalin.router.ParsedEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The route table against Javalin's own matcher (the {@link ParsedEndpoint}s it would try in
 * registration order), on seeded random route sets and request paths: the same route and the same
 * decoded path parameters, or no route for both.
 */
class RouteTableTest {
  private static final RouterConfig JAVALIN_DEFAULTS = new RouterConfig();
  private static final String[] LITERALS = {"api", "v2", "scripts", "published", "a", "b", "x.y"};
  private static final String[] PARAMS = {"{id}", "{scriptId}", "{version}"};
  private static final String[] REQUEST_SEGMENTS = {
    "api",
    "v2",
    "scripts",
    "published",
    "a",
    "b",
    "x.y",
    "",
    "A",
    "42",
    "a%20b",
    "a+b",
    "a%2Fb",
    "%E2%82%AC",
    "%2B",
    "scripts%2F",
    "~",
    "a;b",
    "x.yz"
  };
  private static final Handler NOTHING = ctx -> {};

  @Test
  void findsWhatJavalinFindsOnRandomRoutesAndPaths() {
    var random = new Random(20261130L);
    int matched = 0;
    int compared = 0;
    for (int set = 0; set < 300; set++) {
      List<ParsedEndpoint> routes = new ArrayList<>();
      var table = new RouteTable(endpoint -> endpoint.handler);
      int count = 1 + random.nextInt(12);
      for (int r = 0; r < count; r++) {
        HandlerType method = random.nextInt(4) == 0 ? HandlerType.POST : HandlerType.GET;
        var entry =
            new ParsedEndpoint(
                new Endpoint(method, randomRoute(random), NOTHING), JAVALIN_DEFAULTS);
        routes.add(entry);
        table.add(entry.endpoint);
      }
      for (int p = 0; p < 200; p++) {
        String path = random.nextInt(3) == 0 ? randomRoute(random) : randomPath(random);
        HandlerType method = random.nextBoolean() ? HandlerType.GET : HandlerType.POST;
        ParsedEndpoint javalins =
            routes.stream()
                .filter(e -> e.endpoint.method == method && e.matches(path))
                .findFirst()
                .orElse(null);
        RouteTable.Match ours = table.find(method, path);
        compared++;
        if (javalins == null) {
          assertThat(ours).as("%s %s with routes %s", method, path, paths(routes)).isNull();
          continue;
        }
        matched++;
        assertThat(ours).as("%s %s with routes %s", method, path, paths(routes)).isNotNull();
        assertThat(ours.endpoint()).as("%s %s", method, path).isSameAs(javalins.endpoint);
        assertThat(ours.params())
            .as("%s %s", method, path)
            .isEqualTo(javalins.extractPathParams(path));
      }
    }
    // The comparison covers both outcomes in earnest.
    assertThat(matched).isGreaterThan(compared / 10);
    assertThat(compared - matched).isGreaterThan(compared / 10);
  }

  @Test
  void theFirstRegisteredOfTwoMatchingRoutesWinsWhicheverIsMoreSpecific() {
    var table = new RouteTable(endpoint -> endpoint.handler);
    var byParam = entry("/scripts/{id}");
    var literal = entry("/scripts/published");
    table.add(byParam.endpoint);
    table.add(literal.endpoint);
    assertThat(table.find(HandlerType.GET, "/scripts/published").endpoint())
        .isSameAs(byParam.endpoint);
    assertThat(table.find(HandlerType.GET, "/scripts/published").params())
        .isEqualTo(Map.of("id", "published"));
  }

  @Test
  void aTrailingSlashIsIgnoredOnceAndAnEmptySegmentIsNoParameter() {
    var table = new RouteTable(endpoint -> endpoint.handler);
    table.add(endpoint("/scripts/{id}"));
    assertThat(table.find(HandlerType.GET, "/scripts/7/")).isNotNull();
    assertThat(table.find(HandlerType.GET, "/scripts/7//")).isNull();
    assertThat(table.find(HandlerType.GET, "/scripts//")).isNull();
    assertThat(table.find(HandlerType.GET, "/scripts/")).isNull();
    assertThat(table.find(HandlerType.PUT, "/scripts/7")).isNull();
  }

  @Test
  void aMalformedEscapeIsAnErrorOfTheParametersNotOfTheLookup() {
    var table = new RouteTable(endpoint -> endpoint.handler);
    table.add(endpoint("/scripts/{id}"));
    var match = table.find(HandlerType.GET, "/scripts/%zz");
    assertThat(match).isNotNull();
    assertThatThrownBy(match::params).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesRouteSyntaxItDoesNotMatchLikeJavalin() {
    var table = new RouteTable(endpoint -> endpoint.handler);
    for (String path :
        List.of("/files/<path>", "/files/*", "/files/{name}.json", "/a/{b}{c}", "/a//b")) {
      assertThat(RouteTable.supports(path)).as(path).isFalse();
      assertThatThrownBy(() -> table.add(endpoint(path)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(path);
    }
    assertThat(RouteTable.supports("/api/v2/scripts/{scriptId}/export")).isTrue();
  }

  @Test
  void wrapsEachHandlerOnceWhenItIsAdded() {
    var wrapped = new ArrayList<String>();
    var table =
        new RouteTable(endpoint -> {
          wrapped.add(endpoint.path);
          return endpoint.handler;
        });
    table.add(endpoint("/a"));
    table.add(endpoint("/b/{id}"));
    for (int i = 0; i < 5; i++) table.find(HandlerType.GET, "/b/" + i).handler();
    assertThat(wrapped).containsExactly("/a", "/b/{id}");
  }

  /**
   * A {@link RouteTable.TailRoute} answers a parameter only where the table gives the path to its
   * route with that parameter, and answers one for every path of its shape (its literal start and
   * one more segment) that the table gives it.
   */
  @Test
  void aTailRouteFindsWhatTheTableFindsOnRandomRoutesAndPaths() {
    var random = new Random(20261201L);
    int tails = 0;
    int found = 0;
    int compared = 0;
    for (int set = 0; set < 300; set++) {
      var table = new RouteTable(endpoint -> endpoint.handler);
      List<Endpoint> endpoints = new ArrayList<>();
      int count = 1 + random.nextInt(12);
      for (int r = 0; r < count; r++) {
        HandlerType method = random.nextInt(4) == 0 ? HandlerType.POST : HandlerType.GET;
        var endpoint = new Endpoint(method, randomRoute(random), NOTHING);
        endpoints.add(endpoint);
        table.add(endpoint);
      }
      for (Endpoint endpoint : endpoints) {
        RouteTable.TailRoute tail;
        try {
          tail = table.tailRoute(endpoint.method, endpoint.path);
        } catch (IllegalArgumentException notOfThatShapeOrNeverFound) {
          continue;
        }
        tails++;
        String prefix = endpoint.path.substring(0, endpoint.path.indexOf('{'));
        String name = endpoint.path.substring(prefix.length() + 1, endpoint.path.length() - 1);
        for (int p = 0; p < 100; p++) {
          String path =
              random.nextBoolean()
                  ? prefix + REQUEST_SEGMENTS[random.nextInt(REQUEST_SEGMENTS.length)]
                  : randomPath(random);
          if (path.indexOf('%') >= 0) continue;
          compared++;
          String parameter = tail.parameter(path);
          RouteTable.Match match = table.find(endpoint.method, path);
          boolean ofItsShape =
              path.length() > prefix.length()
                  && path.startsWith(prefix)
                  && path.indexOf('/', prefix.length()) < 0;
          // The table's route of that path: the first added, where one was added twice.
          boolean tablesChoice = match != null && match.endpoint() == tail.endpoint();
          assertThat(parameter != null)
              .as(
                  "%s %s with routes %s",
                  endpoint.path,
                  path,
                  endpoints.stream().map(e -> e.method + " " + e.path).toList())
              .isEqualTo(ofItsShape && tablesChoice);
          if (parameter != null) {
            found++;
            assertThat(match.params()).isEqualTo(Map.of(name, parameter));
          }
        }
      }
    }
    assertThat(tails).isGreaterThan(100);
    assertThat(found).isGreaterThan(compared / 10);
    assertThat(compared - found).isGreaterThan(compared / 10);
  }

  @Test
  void aTailRouteLeavesTheLiteralsOfRoutesAddedBeforeItAndRefusesARouteNeverFound() {
    var table = new RouteTable(endpoint -> endpoint.handler);
    table.add(endpoint("/s/published"));
    table.add(endpoint("/s/{id}"));
    table.add(endpoint("/s/later"));
    table.add(endpoint("/t/{a}"));
    table.add(endpoint("/t/{b}"));
    var tail = table.tailRoute(HandlerType.GET, "/s/{id}");
    assertThat(tail.parameter("/s/published")).isNull();
    // Added after it, "/s/later" is never found by the table: the parameter route takes it.
    assertThat(tail.parameter("/s/later")).isEqualTo("later");
    assertThat(tail.parameter("/s/x")).isEqualTo("x");
    assertThat(tail.parameter("/s/x/")).isNull();
    assertThat(tail.parameter("/s/")).isNull();
    assertThat(tail.parameter("/s/x/y")).isNull();
    assertThatThrownBy(() -> table.tailRoute(HandlerType.GET, "/t/{b}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("added before it takes every path");
    assertThatThrownBy(() -> table.tailRoute(HandlerType.GET, "/s/published"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static ParsedEndpoint entry(String path) {
    return new ParsedEndpoint(endpoint(path), JAVALIN_DEFAULTS);
  }

  private static Endpoint endpoint(String path) {
    return new Endpoint(HandlerType.GET, path, NOTHING);
  }

  private static String randomRoute(Random random) {
    var path = new StringBuilder();
    int segments = random.nextInt(5);
    List<String> used = new ArrayList<>();
    for (int i = 0; i < segments; i++) {
      String segment;
      if (random.nextInt(3) == 0) {
        segment = PARAMS[random.nextInt(PARAMS.length)];
        if (used.contains(segment)) segment = "{p" + i + "}";
        used.add(segment);
      } else {
        segment = LITERALS[random.nextInt(LITERALS.length)];
      }
      path.append('/').append(segment);
    }
    if (path.isEmpty()) return "/";
    if (random.nextInt(8) == 0) path.append('/');
    return path.toString();
  }

  private static String randomPath(Random random) {
    var path = new StringBuilder();
    int segments = random.nextInt(6);
    for (int i = 0; i < segments; i++)
      path.append('/').append(REQUEST_SEGMENTS[random.nextInt(REQUEST_SEGMENTS.length)]);
    if (path.isEmpty() || random.nextInt(6) == 0) path.append('/');
    return path.toString();
  }

  private static List<String> paths(List<ParsedEndpoint> routes) {
    return routes.stream().map(e -> e.endpoint.method + " " + e.endpoint.path).toList();
  }
}
