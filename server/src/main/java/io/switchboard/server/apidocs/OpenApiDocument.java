package io.switchboard.server.apidocs;

import io.javalin.router.Endpoint;
import io.javalin.security.Roles;
import io.javalin.security.RouteRole;
import io.switchboard.server.http.ErrorBody;
import io.switchboard.server.http.PublicRoute;
import io.switchboard.server.http.Scope;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI 3.1 document of every {@code /api/v2} route, built from the registered endpoints:
 * method and path template from the router, the scope from the route's {@link Scope} role, public
 * routes from {@link PublicRoute}. Nothing is written twice, so the document cannot drift from the
 * routes ({@code OpenApiDocumentIT} checks that it does not).
 */
public final class OpenApiDocument {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern PARAM = Pattern.compile("\\{([^}/]+)}|<([^>/]+)>");

  /** The standard error answers every operation may give, with their stable codes. */
  static final Map<String, String> AUTHENTICATED_ERRORS = errors();

  private static Map<String, String> errors() {
    var m = new LinkedHashMap<String, String>();
    m.put("400", "Bad request: `bad.request`, `invalid.value` (a field names what is wrong)");
    m.put("401", "No or bad token: `authentication.required`, `bad.credentials`");
    m.put("403", "Token lacks the scope: `missing.scope`; wrong org header: `org.mismatch`");
    m.put("404", "Not found (other organizations' ids too): `not.found`");
    m.put("409", "Conflict: `version.mismatch`, `*.name.taken`, `*.in.use` and the like");
    m.put("413", "Body larger than http.max-body-bytes: `request.entity.too.large`");
    m.put("415", "Body is not JSON: `unsupported.media.type`");
    m.put("429", "Rate limited: `too.many.requests` (see Retry-After)");
    m.put("500", "Internal error: `internal.server.error` (quote the contextId)");
    m.put("503", "Database busy or unavailable: `service.unavailable` (see Retry-After)");
    return Map.copyOf(m);
  }

  private static final List<String> ERROR_ORDER =
      List.of("400", "401", "403", "404", "409", "413", "415", "429", "500", "503");

  private OpenApiDocument() {}

  /** The document for the given endpoints; only paths under {@code /api/v2} are described. */
  public static ObjectNode of(String version, List<Endpoint> endpoints) {
    ObjectNode doc = NODES.objectNode();
    doc.put("openapi", "3.1.0");
    doc.putObject("info")
        .put("title", "Switchboard API")
        .put("version", version)
        .put(
            "description",
            "The Genesys-Cloud-dialect API Switchboard serves. Get a token with OAuth client"
                + " credentials at /oauth/token and send it as `Authorization: Bearer <token>`."
                + " Every error is an ErrorBody with a stable `code`.");
    doc.putArray("servers").addObject().put("url", "/");
    ObjectNode components = doc.putObject("components");
    ObjectNode schemas = components.putObject("schemas");
    ObjectNode errorRef = new RecordSchemas(schemas).ref(ErrorBody.class);
    ObjectNode responses = components.putObject("responses");
    for (String status : ERROR_ORDER) {
      ObjectNode r = responses.putObject("Error" + status);
      r.put("description", AUTHENTICATED_ERRORS.get(status));
      r.putObject("content").putObject("application/json").set("schema", errorRef.deepCopy());
    }
    ObjectNode security = components.putObject("securitySchemes");
    security
        .putObject("bearer")
        .put("type", "http")
        .put("scheme", "bearer")
        .put("description", "An access token from POST /oauth/token");
    security
        .putObject("oauth2")
        .put("type", "oauth2")
        .putObject("flows")
        .putObject("clientCredentials")
        .put("tokenUrl", "/oauth/token")
        .set("scopes", scopes(endpoints));

    Map<String, ObjectNode> paths = new TreeMap<>();
    List<Endpoint> sorted = new ArrayList<>(endpoints);
    sorted.sort(Comparator.comparing((Endpoint e) -> e.path).thenComparing(e -> e.method.name()));
    for (Endpoint e : sorted) {
      if (!e.path.startsWith("/api/v2/")) continue;
      String template = template(e.path);
      ObjectNode item = paths.computeIfAbsent(template, t -> NODES.objectNode());
      item.set(e.method.name().toLowerCase(Locale.ROOT), operation(e, template));
    }
    ObjectNode pathsNode = NODES.objectNode();
    paths.forEach(pathsNode::set);
    doc.set("paths", pathsNode);
    return doc;
  }

  /** Javalin's {@code <param>} (may hold slashes) written as OpenAPI's {@code {param}}. */
  static String template(String path) {
    return path.replaceAll("<([^>/]+)>", "{$1}");
  }

  private static ObjectNode scopes(List<Endpoint> endpoints) {
    Set<String> names = new TreeSet<>();
    for (Endpoint e : endpoints)
      for (RouteRole r : roles(e)) if (r instanceof Scope s) names.add(s.name());
    ObjectNode out = NODES.objectNode();
    for (String n : names) {
      out.put(n, "Read and write " + n);
      out.put(n + ":readonly", "Read " + n);
    }
    return out;
  }

  private static Set<RouteRole> roles(Endpoint e) {
    Roles roles = e.metadata(Roles.class);
    return roles == null ? Set.of() : roles.getRoles();
  }

  private static ObjectNode operation(Endpoint e, String template) {
    ObjectNode op = NODES.objectNode();
    String method = e.method.name();
    op.put("operationId", operationId(method, template));
    op.put("summary", method + " " + template);
    String[] segments = template.substring("/api/v2/".length()).split("/");
    op.putArray("tags").add(segments[0]);
    Matcher m = PARAM.matcher(template);
    ArrayNode parameters = null;
    while (m.find()) {
      if (parameters == null) parameters = op.putArray("parameters");
      parameters
          .addObject()
          .put("name", m.group(1))
          .put("in", "path")
          .put("required", true)
          .putObject("schema")
          .put("type", "string");
    }
    Set<RouteRole> roles = roles(e);
    boolean isPublic = roles.contains(PublicRoute.INSTANCE);
    List<Scope> scopes =
        roles.stream().filter(Scope.class::isInstance).map(Scope.class::cast).toList();
    ArrayNode security = op.putArray("security");
    if (isPublic) {
      security.addObject(); // {}: no token needed
    } else {
      ObjectNode bearer = security.addObject();
      ArrayNode bearerScopes = bearer.putArray("bearer");
      ArrayNode oauthScopes = security.addObject().putArray("oauth2");
      for (Scope s : scopes) {
        bearerScopes.add(s.name());
        oauthScopes.add(s.name());
      }
      if (!scopes.isEmpty()) {
        op.put(
            "x-switchboard-scopes",
            String.join(
                ", ",
                scopes.stream()
                    .map(
                        s -> s.readOnly() ? s.name() + " (or " + s.name() + ":readonly)" : s.name())
                    .toList()));
        op.put(
            "description",
            "Requires the scope "
                + op.get("x-switchboard-scopes").asString()
                + " in the access token.");
      } else {
        op.put("description", "Requires an access token (any scope).");
      }
    }
    ObjectNode responses = op.putObject("responses");
    ObjectNode ok = responses.putObject(okStatus(method));
    ok.put("description", "Success");
    for (String status : ERROR_ORDER) {
      if (isPublic && (status.equals("401") || status.equals("403"))) continue;
      responses.putObject(status).put("$ref", "#/components/responses/Error" + status);
    }
    return op;
  }

  private static String okStatus(String method) {
    return switch (method) {
      case "DELETE" -> "2XX";
      case "POST" -> "2XX";
      default -> "200";
    };
  }

  static String operationId(String method, String template) {
    StringBuilder id = new StringBuilder(method.toLowerCase(Locale.ROOT));
    for (String seg : template.substring("/api/v2/".length()).split("/")) {
      if (seg.isEmpty()) continue;
      boolean param = seg.startsWith("{");
      String word = param ? "By" + seg.substring(1, seg.length() - 1) : seg;
      for (String part : word.split("[^A-Za-z0-9]+")) {
        if (part.isEmpty()) continue;
        id.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return id.toString();
  }
}
