package io.switchboard.server.apidocs;

import io.javalin.router.Endpoint;
import io.javalin.security.Roles;
import io.javalin.security.RouteRole;
import io.switchboard.server.http.Doc;
import io.switchboard.server.http.ErrorBody;
import io.switchboard.server.http.PublicRoute;
import io.switchboard.server.http.Scope;
import java.util.ArrayList;
import java.util.Comparator;
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

  /** What each status means, whatever the route; the codes are listed per operation. */
  private static final Map<Integer, String> STATUS_TEXT =
      Map.ofEntries(
          Map.entry(400, "Bad request (a field or the body's line and column say what is wrong)"),
          Map.entry(401, "No or bad token"),
          Map.entry(403, "The token lacks the scope, or names another organization"),
          Map.entry(404, "Not found (other organizations' ids too)"),
          Map.entry(409, "Conflict with the current state"),
          Map.entry(410, "Gone"),
          Map.entry(412, "Precondition failed"),
          Map.entry(413, "Body larger than http.max-body-bytes"),
          Map.entry(415, "Unsupported body media type"),
          Map.entry(422, "Unprocessable"),
          Map.entry(429, "Rate limited (see Retry-After and the RateLimit headers)"),
          Map.entry(500, "Internal error (quote the contextId)"),
          Map.entry(502, "The upstream the route called failed"),
          Map.entry(503, "Busy or unavailable (see Retry-After)"),
          Map.entry(504, "The upstream the route called did not answer in time"));

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
    RecordSchemas records = new RecordSchemas(schemas);
    records.ref(ErrorBody.class);
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
      item.set(e.method.name().toLowerCase(Locale.ROOT), operation(e, template, records));
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

  private static ObjectNode operation(Endpoint e, String template, RecordSchemas records) {
    ObjectNode op = NODES.objectNode();
    String method = e.method.name();
    op.put("operationId", operationId(method, template));
    op.put("summary", method + " " + template);
    String[] segments = template.substring("/api/v2/".length()).split("/");
    op.putArray("tags").add(segments[0]);
    Set<RouteRole> roles = roles(e);
    Doc doc =
        roles.stream().filter(Doc.class::isInstance).map(Doc.class::cast).findFirst().orElse(null);
    Matcher m = PARAM.matcher(template);
    ArrayNode parameters = op.putArray("parameters");
    boolean hasPathParameter = false;
    while (m.find()) {
      hasPathParameter = true;
      parameters
          .addObject()
          .put("name", m.group(1))
          .put("in", "path")
          .put("required", true)
          .putObject("schema")
          .put("type", "string");
    }
    if (doc != null) {
      doc.query()
          .forEach((name, text) ->
              parameters
                  .addObject()
                  .put("name", name)
                  .put("in", "query")
                  .put("required", text.endsWith(" (required)"))
                  .put("description", text)
                  .putObject("schema")
                  .put("type", "string"));
      if (doc.idempotencyKey())
        parameters
            .addObject()
            .put("name", "Idempotency-Key")
            .put("in", "header")
            .put(
                "description",
                "Makes a retry safe: the first 2xx answer for the key is stored and replayed")
            .putObject("schema")
            .put("type", "string");
    }
    if (parameters.isEmpty()) op.remove("parameters");
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
    if (doc == null) {
      // OpenApiDocumentIT fails on this: every /api/v2 route declares its Doc.
      op.put("x-switchboard-undocumented", true);
      responses.putObject("default").put("description", "Not described");
      return op;
    }
    boolean takesBody = doc.request() != Doc.NONE;
    if (takesBody) {
      ObjectNode body = op.putObject("requestBody").put("required", doc.requestRequired());
      ObjectNode content = body.putObject("content");
      for (String type : doc.consumes()) {
        content.putObject(type).set("schema", schema(records, doc.request(), type));
      }
    }
    for (Doc.Answer a : doc.answers()) {
      ObjectNode ok = responses.putObject(Integer.toString(a.status()));
      ok.put("description", a.body() == Doc.NONE ? "Success, no body" : "Success");
      if (a.body() != Doc.NONE && !method.equals("HEAD")) {
        ok.putObject("content")
            .putObject(doc.produces())
            .set("schema", schema(records, a.body(), doc.produces()));
      }
    }
    Map<Integer, Set<String>> errors = new TreeMap<>();
    for (Doc.ErrorCode c : doc.errorCodes(isPublic, !scopes.isEmpty(), hasPathParameter))
      errors.computeIfAbsent(c.status(), s -> new TreeSet<>()).add(c.code());
    errors.forEach((status, codes) -> {
      ObjectNode r = responses.putObject(Integer.toString(status));
      r.put(
          "description",
          STATUS_TEXT.getOrDefault(status, "Error")
              + ": "
              + String.join(", ", codes.stream().map(c -> "`" + c + "`").toList()));
      ObjectNode schema = NODES.objectNode();
      schema.putArray("allOf").addObject().put("$ref", "#/components/schemas/ErrorBody");
      ArrayNode values = schema.putObject("properties").putObject("code").putArray("enum");
      codes.forEach(values::add);
      if (!method.equals("HEAD"))
        r.putObject("content").putObject("application/json").set("schema", schema);
    });
    return op;
  }

  private static ObjectNode schema(
      RecordSchemas records, java.lang.reflect.Type type, String media) {
    if (!media.contains("json")) return NODES.objectNode().put("type", "string");
    return records.of(type);
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
