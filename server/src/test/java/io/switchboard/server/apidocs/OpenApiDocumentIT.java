package io.switchboard.server.apidocs;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document is fetched over HTTP from a real server and compared with the routes that
 * server registered: every {@code /api/v2} route, nothing else, each with its security.
 */
class OpenApiDocumentIT {
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

  private static TestServer server;
  private static Api api;

  @BeforeAll
  static void start() {
    // One token makes a request to every operation below: no per-token bucket.
    server = TestServer.start(TestServer.NO_TOKEN_LIMIT);
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonNode document() {
    Api.Response r = api.get(ApiDocsRoutes.DOCUMENT_PATH, null);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.header("Content-Type").orElseThrow()).startsWith("application/json");
    return r.json();
  }

  @Test
  void theDocumentListsExactlyTheRegisteredApiV2Routes() {
    JsonNode doc = document();
    Set<String> documented = new TreeSet<>();
    for (var path : doc.get("paths").properties()) {
      for (var op : path.getValue().properties()) {
        if (METHODS.contains(op.getKey()))
          documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
      }
    }
    Set<String> registered = new TreeSet<>();
    for (String route : server.switchboard().routes()) {
      String path = route.substring(route.indexOf(' ') + 1);
      if (path.startsWith("/api/v2/")) registered.add(OpenApiDocument.template(route));
    }
    assertThat(registered).contains("GET " + ApiDocsRoutes.DOCUMENT_PATH);
    assertThat(registered).hasSizeGreaterThan(50);
    assertThat(documented).isEqualTo(registered);
  }

  @Test
  void everyOperationHasSecurityWithItsScopeUnlessPublic() {
    JsonNode doc = document();
    Set<String> operationIds = new HashSet<>();
    int withScope = 0;
    for (var path : doc.get("paths").properties()) {
      for (var op : path.getValue().properties()) {
        String name = op.getKey() + " " + path.getKey();
        JsonNode operation = op.getValue();
        assertThat(operationIds.add(operation.get("operationId").asString()))
            .as("unique operationId for " + name)
            .isTrue();
        JsonNode security = operation.get("security");
        assertThat(security).as(name).isNotNull();
        assertThat(security.isArray() && !security.isEmpty()).as(name).isTrue();
        if (path.getKey().equals(ApiDocsRoutes.DOCUMENT_PATH)) {
          assertThat(security.get(0).isEmpty()).as("public: {}").isTrue();
          continue;
        }
        assertThat(security.get(0).has("bearer")).as(name).isTrue();
        if (!security.get(0).get("bearer").isEmpty()) withScope++;
        for (String status : List.of("400", "401", "403", "404", "429", "500")) {
          assertThat(operation.get("responses").has(status)).as(name + " " + status).isTrue();
        }
      }
    }
    assertThat(withScope).isGreaterThan(50);
    JsonNode roles = doc.at("/paths/~1api~1v2~1authorization~1roles");
    assertThat(roles.at("/get/security/0/bearer/0").asString()).isEqualTo("authorization");
    assertThat(roles.at("/post/security/0/bearer/0").asString()).isEqualTo("authorization");
    assertThat(roles.at("/get/x-switchboard-scopes").asString())
        .isEqualTo("authorization (or authorization:readonly)");
    assertThat(roles.at("/post/x-switchboard-scopes").asString()).isEqualTo("authorization");
  }

  @Test
  void theDocumentIsStructurallyOpenApi31AndEveryRefResolves() {
    JsonNode doc = document();
    assertThat(doc.get("openapi").asString()).isEqualTo("3.1.0");
    assertThat(doc.at("/info/title").isString()).isTrue();
    assertThat(doc.at("/info/version").isString()).isTrue();
    assertThat(doc.get("paths").isObject()).isTrue();
    assertThat(doc.at("/components/schemas/ErrorBody/properties/code/type").asString())
        .isEqualTo("string");
    assertThat(doc.at("/components/schemas/ErrorBody/properties/errors/items/$ref").asString())
        .isEqualTo("#/components/schemas/ErrorBody");
    assertThat(doc.at("/components/securitySchemes/bearer/scheme").asString()).isEqualTo("bearer");
    assertThat(
            doc.at("/components/securitySchemes/oauth2/flows/clientCredentials/tokenUrl")
                .asString())
        .isEqualTo("/oauth/token");
    for (var path : doc.get("paths").properties()) {
      assertThat(path.getKey()).startsWith("/api/v2/").doesNotContain("<", ">");
      for (var op : path.getValue().properties()) {
        assertThat(METHODS).contains(op.getKey());
        assertThat(op.getValue().get("responses").isObject()).isTrue();
        // Every {param} in the template is declared as a required path parameter.
        var matcher = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(path.getKey());
        Set<String> declared = new HashSet<>();
        JsonNode params = op.getValue().get("parameters");
        if (params != null) for (JsonNode p : params) declared.add(p.get("name").asString());
        while (matcher.find()) assertThat(declared).contains(matcher.group(1));
      }
    }
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).startsWith("#/");
      assertThat(doc.at(ref.substring(1)).isMissingNode()).as("unresolved " + ref).isFalse();
    }
    // Scopes named by operations are declared by the OAuth2 scheme.
    JsonNode declaredScopes =
        doc.at("/components/securitySchemes/oauth2/flows/clientCredentials/scopes");
    for (var path : doc.get("paths").properties())
      for (var op : path.getValue().properties())
        for (JsonNode req : op.getValue().get("security"))
          for (JsonNode scope : req.path("oauth2"))
            assertThat(declaredScopes.has(scope.asString())).as(scope.asString()).isTrue();
  }

  private static void collectRefs(JsonNode node, List<String> out) {
    if (node.isObject()) {
      for (var field : node.properties()) {
        if (field.getKey().equals("$ref")) out.add(field.getValue().asString());
        else collectRefs(field.getValue(), out);
      }
    } else if (node.isArray()) {
      for (JsonNode child : node) collectRefs(child, out);
    }
  }

  @Test
  void theDocumentNeedsNoTokenAndIsCacheableWithAnETag() {
    Api.Response first = api.get(ApiDocsRoutes.DOCUMENT_PATH, null);
    String etag = first.header("ETag").orElseThrow();
    Api.Response again = api.get(ApiDocsRoutes.DOCUMENT_PATH, null, "If-None-Match", etag);
    assertThat(again.status()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    Api.Response other = api.get(ApiDocsRoutes.DOCUMENT_PATH, null, "If-None-Match", "\"x\"");
    assertThat(other.status()).isEqualTo(200);
    assertThat(other.body()).isEqualTo(first.body());
    // A token (even a bad one) is not looked at on the public route.
    assertThat(api.get(ApiDocsRoutes.DOCUMENT_PATH, "not-a-token").status()).isEqualTo(200);
  }

  /**
   * The scope the document names is the one the server enforces: every operation, called with a
   * token that lacks it, is 403 {@code missing.scope} naming that scope.
   */
  @Test
  void theDocumentedScopeIsTheEnforcedOne() {
    var org = server.newOrg();
    String admin = api.token(org);
    String onlyOauth = limitedToken(admin, "oauth");
    String onlyScripts = limitedToken(admin, "scripts");
    JsonNode doc = document();
    int checked = 0;
    for (var path : doc.get("paths").properties()) {
      String concrete = path.getKey().replaceAll("\\{[^}]+}", "x");
      for (var op : path.getValue().properties()) {
        JsonNode scopes = op.getValue().at("/security/0/bearer");
        if (scopes.isMissingNode() || scopes.isEmpty()) continue;
        Set<String> documented = new HashSet<>();
        for (JsonNode n : scopes) documented.add(n.asString());
        String token = documented.contains("oauth") ? onlyScripts : onlyOauth;
        Api.Response r = api.raw(op.getKey().toUpperCase(Locale.ROOT), concrete, token, null);
        String name = op.getKey() + " " + path.getKey();
        assertThat(r.status()).as(name + ": " + r).isEqualTo(403);
        checked++;
        if (op.getKey().equals("head")) continue; // no body to read the code from
        assertThat(r.json().path("code").asString()).as(name + ": " + r).isEqualTo("missing.scope");
        assertThat(documented).as(name).contains(r.json().at("/messageParams/scope").asString());
      }
    }
    assertThat(checked).isGreaterThan(50);
  }

  private static String limitedToken(String admin, String scope) {
    var client =
        api.post(
            "/api/v2/oauth/clients",
            admin,
            "{\"name\":\"only-" + scope + "\",\"scope\":[\"" + scope + "\"]}");
    assertThat(client.status()).as(client.toString()).isIn(200, 201);
    return api.token(client.json().get("id").asString(), client.json().get("secret").asString());
  }

  @Test
  void theRestOfApiV2StillNeedsAToken() {
    Api.Response r = api.get("/api/v2/authorization/roles", null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().get("code").asString()).isEqualTo("authentication.required");
    Api.Response missing = api.get("/api/v2/docs/other.json", null);
    assertThat(missing.status()).isIn(401, 404);
  }
}
