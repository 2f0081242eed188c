package io.switchboard.server.credentials;

import static io.switchboard.server.testing.Upstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.Upstream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Stored credentials over HTTP. The server's whole log output (access log on) is captured for the
 * class, and every response body is kept: no secret may appear in either, nor in clear in the
 * database.
 */
class CredentialsIT {
  static final String BASE = "/api/v2/integrations/credentials";
  static final String APIS = "/api/v2/architect/external-apis";
  static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
  static final String PASSWORD = "pw-Very-Secret-" + SUFFIX;
  static final String TOKEN_SECRET = "bearer-Very-Secret-" + SUFFIX;
  static final String API_KEY = "apikey-Very-Secret-" + SUFFIX;
  static final String CLIENT_SECRET = "client-Very-Secret-" + SUFFIX;
  static final String NEW_PASSWORD = "pw2-Very-Secret-" + SUFFIX;
  static final List<String> SECRETS =
      List.of(PASSWORD, TOKEN_SECRET, API_KEY, CLIENT_SECRET, NEW_PASSWORD);

  static final ByteArrayOutputStream log = new ByteArrayOutputStream();
  static final List<String> bodies = new ArrayList<>();
  static PrintStream originalErr;
  static PrintStream originalOut;
  static TestServer server;
  static Upstream upstream;
  static Api api;
  static String acme;
  static String globex;

  @BeforeAll
  static void start() {
    originalErr = System.err;
    originalOut = System.out;
    System.setErr(new PrintStream(new Tee(originalErr, log), true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(new Tee(originalOut, log), true, StandardCharsets.UTF_8));
    // The Upstream stands in for a partner API on loopback, which egress refuses by default.
    server =
        TestServer.start(
            Map.of(SettingKeys.ACCESS_LOG, "true", SettingKeys.EGRESS_ALLOW, "127.0.0.1"));
    upstream = Upstream.start();
    api = server.api();
    acme = api.token(server.newOrg());
    globex = api.token(server.newOrg());
  }

  @AfterAll
  static void stop() {
    try {
      upstream.close();
      server.close();
    } finally {
      System.setErr(originalErr);
      System.setOut(originalOut);
    }
  }

  static Api.Response keep(Api.Response r) {
    bodies.add(r.body());
    return r;
  }

  static JsonNode create(String json) {
    var r = keep(api.post(BASE, acme, json));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  @Test
  void secretsAreWriteOnlyEverywhere() {
    var tokenCalls = new AtomicInteger();
    upstream.on(
        "/token",
        (ex, req) -> {
          String expected =
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString(("cid:" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
          if (!expected.equals(req.header("Authorization")))
            json(ex, 401, "{\"error\":\"invalid_client\"}");
          else
            json(
                ex,
                200,
                "{\"access_token\":\"at-"
                    + tokenCalls.incrementAndGet()
                    + "\",\"expires_in\":600}");
        });
    upstream.on("/echo-auth", (ex, req) -> json(ex, 200, "{\"ok\":true}"));
    upstream.on("/fail", (ex, req) -> json(ex, 500, "{\"error\":\"boom\"}"));

    JsonNode basic =
        create(
            "{\"name\":\"basic\",\"allowedHosts\":[\"127.0.0.1\"],\"type\":\"basic\",\"credentialFields\":{\"username\":\"svc\",\"password\":\""
                + PASSWORD
                + "\"}}");
    JsonNode bearer =
        create(
            "{\"name\":\"bearer\",\"allowedHosts\":[\"127.0.0.1\"],\"type\":\"bearer\",\"credentialFields\":{\"token\":\""
                + TOKEN_SECRET
                + "\"}}");
    JsonNode key =
        create(
            "{\"name\":\"key\",\"allowedHosts\":[\"127.0.0.1\"],\"type\":\"api-key\",\"credentialFields\":{\"headerName\":\"X-API-Key\",\"apiKey\":\""
                + API_KEY
                + "\"}}");
    JsonNode oauth =
        create(
            "{\"name\":\"oauth\",\"type\":\"oauth2-client-credentials\",\"credentialFields\":{\"tokenUrl\":\""
                + upstream.url("/token")
                + "\",\"clientId\":\"cid\",\"clientSecret\":\""
                + CLIENT_SECRET
                + "\",\"scopes\":[\"a\",\"b\"]}}");

    assertThat(basic.get("credentialFields")).hasSize(1);
    // Genesys's shape: type {name}, string fields under Genesys's names (userName, loginUrl).
    assertThat(basic.get("credentialFields").get("userName").asString()).isEqualTo("svc");
    assertThat(basic.get("type").get("name").asString()).isEqualTo("basicAuth");
    assertThat(basic.get("secretFields").get(0).asString()).isEqualTo("password");
    assertThat(oauth.get("credentialFields").get("scopes").asString()).isEqualTo("a b");
    assertThat(oauth.get("credentialFields").get("loginUrl").asString())
        .isEqualTo(upstream.url("/token"));
    assertThat(oauth.get("type").get("name").asString()).isEqualTo("userDefinedOAuth");
    assertThat(oauth.get("credentialType").asString()).isEqualTo("oauth2-client-credentials");
    assertThat(bearer.get("type").get("name").asString()).isEqualTo("userDefined");
    assertThat(key.get("credentialType").asString()).isEqualTo("api-key");
    assertThat(oauth.get("createdDate").asString()).isEqualTo(oauth.get("modifiedDate").asString());
    assertThat(oauth.get("version").asLong()).isEqualTo(1);

    for (JsonNode c : List.of(basic, bearer, key, oauth)) {
      String id = c.get("id").asString();
      assertThat(keep(api.get(BASE + "/" + id, acme)).status()).isEqualTo(200);
      String apiId = createApi(c.get("name").asString(), "/echo-auth", id);
      var report = keep(api.post(APIS + "/" + apiId + "/test", acme, "{}"));
      assertThat(report.json().get("success").asBoolean()).as(report.toString()).isTrue();
      keep(
          api.post(
              APIS + "/" + createApi(c.get("name").asString() + " failing", "/fail", id) + "/test",
              acme,
              "{}"));
    }
    keep(api.get(BASE + "?pageSize=100", acme));
    keep(api.post(APIS + "/query", acme, "{\"limit\":100}"));
    keep(api.get(APIS + "?pageSize=100", acme));

    // What the upstream received is the only place a secret may go.
    var received = upstream.received("/echo-auth");
    assertThat(received.get(0).header("Authorization"))
        .isEqualTo(
            "Basic "
                + Base64.getEncoder()
                    .encodeToString(("svc:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
    assertThat(received.get(1).header("Authorization")).isEqualTo("Bearer " + TOKEN_SECRET);
    assertThat(received.get(2).header("X-API-Key")).isEqualTo(API_KEY);
    assertThat(received.get(3).header("Authorization")).isEqualTo("Bearer at-1");

    // Replace without the secret keeps it; with a new one, the new one is used.
    String basicId = basic.get("id").asString();
    var kept =
        keep(
            api.put(
                BASE + "/" + basicId,
                acme,
                "{\"name\":\"basic"
                    + " renamed\",\"type\":\"basic\",\"credentialFields\":{\"username\":\"svc2\"},\"version\":1}"));
    assertThat(kept.status()).as(kept.toString()).isEqualTo(200);
    assertThat(kept.json().get("version").asLong()).isEqualTo(2);
    keep(
        api.post(
            APIS + "/" + createApi("after rename", "/echo-auth", basicId) + "/test", acme, "{}"));
    assertThat(upstream.received("/echo-auth").getLast().header("Authorization"))
        .isEqualTo(
            "Basic "
                + Base64.getEncoder()
                    .encodeToString(("svc2:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
    keep(
        api.put(
            BASE + "/" + basicId,
            acme,
            "{\"name\":\"basic\",\"type\":\"basic\",\"credentialFields\":{\"username\":\"svc\",\"password\":\""
                + NEW_PASSWORD
                + "\"}}"));
    keep(
        api.post(
            APIS + "/" + createApi("after new password", "/echo-auth", basicId) + "/test",
            acme,
            "{}"));
    assertThat(upstream.received("/echo-auth").getLast().header("Authorization"))
        .isEqualTo(
            "Basic "
                + Base64.getEncoder()
                    .encodeToString(("svc:" + NEW_PASSWORD).getBytes(StandardCharsets.UTF_8)));

    // Errors that carry a secret in their request never repeat it.
    keep(
        api.post(
            BASE,
            acme,
            "{\"name\":\"k\",\"type\":\"api-key\",\"credentialFields\":{\"headerName\":\"Bad"
                + " Header\",\"apiKey\":\""
                + API_KEY
                + "\"}}"));
    keep(
        api.post(
            BASE,
            acme,
            "{\"name\":\"k\",\"type\":\"api-key\",\"credentialFields\":{\"headerName\":\"X-K\",\"apiKey\":"
                + API_KEY.length()
                + ",\"extra\":\""
                + API_KEY
                + "\"}}"));
    var unquoted =
        keep(
            api.post(
                BASE,
                acme,
                "{\"name\":\"k\",\"type\":\"bearer\",\"credentialFields\":{\"token\": "
                    + TOKEN_SECRET
                    + "}}"));
    assertThat(unquoted.status()).isEqualTo(400);
    keep(
        api.post(
            BASE,
            acme,
            "{\"name\":\"k\",\"type\":\"bearer\",\"credentialFields\":{\"token\":\""
                + TOKEN_SECRET
                + "\\u0000\"}}"));
    keep(
        api.put(
            BASE + "/" + basicId,
            acme,
            "{\"name\":\"x\",\"type\":\"bearer\",\"credentialFields\":{},\"version\":1,\"password\":\""
                + PASSWORD
                + "\"}"));

    for (String body : bodies) {
      for (String secret : SECRETS) assertThat(body).as("a response body").doesNotContain(secret);
    }
    String logged = log.toString(StandardCharsets.UTF_8);
    assertThat(logged)
        .as("the capture works")
        .contains("route=" + BASE)
        .contains("route=" + APIS + "/{id}/test");
    for (String secret : SECRETS) assertThat(logged).as("the log").doesNotContain(secret);

    // At rest: sealed, not in clear, not even in the public column.
    List<Map<String, Object>> rows =
        server
            .switchboard()
            .database()
            .jdbi()
            .withHandle(
                h -> h.createQuery("select * from integration_credentials").mapToMap().list());
    assertThat(rows).isNotEmpty();
    for (Map<String, Object> row : rows) {
      for (String secret : SECRETS) assertThat(row.toString()).doesNotContain(secret);
    }
  }

  @Test
  void validationNamesTheField() {
    record Case(String json, String field) {}
    for (Case c :
        List.of(
            new Case("{\"name\":\"x\",\"type\":\"kerberos\",\"credentialFields\":{}}", "type"),
            new Case("{\"name\":\"x\",\"credentialFields\":{}}", "type"),
            new Case("{\"type\":\"bearer\",\"credentialFields\":{\"token\":\"t\"}}", "name"),
            new Case(
                "{\"name\":\"x\",\"type\":\"basic\",\"credentialFields\":{\"username\":\"u\"}}",
                "credentialFields.password"),
            new Case(
                "{\"name\":\"x\",\"type\":\"basic\",\"credentialFields\":{\"password\":\"p\"}}",
                "credentialFields.username"),
            new Case(
                "{\"name\":\"x\",\"type\":\"basic\",\"credentialFields\":{\"username\":\"a:b\",\"password\":\"p\"}}",
                "credentialFields.username"),
            new Case(
                "{\"name\":\"x\",\"type\":\"bearer\",\"credentialFields\":{\"token\":\"t\",\"username\":\"u\"}}",
                "credentialFields.username"),
            new Case(
                "{\"name\":\"x\",\"type\":\"bearer\",\"credentialFields\":[]}", "credentialFields"),
            new Case(
                "{\"name\":\"x\",\"type\":\"api-key\",\"credentialFields\":{\"headerName\":\"Host\",\"apiKey\":\"k\"}}",
                "credentialFields.headerName"),
            new Case(
                "{\"name\":\"x\",\"type\":\"oauth2-client-credentials\",\"credentialFields\":{\"tokenUrl\":\"ftp://idp/token\",\"clientId\":\"c\",\"clientSecret\":\"s\"}}",
                "credentialFields.tokenUrl"),
            new Case(
                "{\"name\":\"x\",\"type\":\"oauth2-client-credentials\",\"credentialFields\":{\"tokenUrl\":\"https://u:p@idp/token\",\"clientId\":\"c\",\"clientSecret\":\"s\"}}",
                "credentialFields.tokenUrl"),
            new Case(
                "{\"name\":\"x\",\"type\":\"oauth2-client-credentials\",\"credentialFields\":{\"tokenUrl\":\"https://idp/token\",\"clientId\":\"c\",\"clientSecret\":\"s\",\"scopes\":7}}",
                "credentialFields.scopes"))) {
      var r = api.post(BASE, acme, c.json());
      assertThat(r.status()).as(c.json() + " -> " + r).isEqualTo(400);
      assertThat(r.json().get("messageParams").get("field").asString())
          .as(c.json())
          .isEqualTo(c.field());
    }
    var changeType =
        api.put(
            BASE
                + "/"
                + create(
                        "{\"name\":\"t\",\"type\":\"bearer\",\"credentialFields\":{\"token\":\"t\"}}")
                    .get("id")
                    .asString(),
            acme,
            "{\"name\":\"t\",\"type\":\"basic\",\"credentialFields\":{\"username\":\"u\"}}");
    assertThat(changeType.status()).isEqualTo(400);
    assertThat(changeType.json().get("messageParams").get("field").asString())
        .isEqualTo("credentialFields.password");
  }

  @Test
  void aCredentialInUseCannotBeDeletedAndOtherOrgsCannotSeeIt() {
    String id =
        create("{\"name\":\"used\",\"type\":\"bearer\",\"credentialFields\":{\"token\":\"t\"}}")
            .get("id")
            .asString();
    String apiId = createApi("user of it", "/x", id);
    var inUse = api.delete(BASE + "/" + id, acme);
    assertThat(inUse.status()).isEqualTo(409);
    assertThat(inUse.json().get("code").asString()).isEqualTo("credential.in.use");
    assertThat(inUse.json().get("message").asString()).contains("user of it");

    for (var r :
        List.of(
            api.get(BASE + "/" + id, globex),
            api.delete(BASE + "/" + id, globex),
            api.put(
                BASE + "/" + id,
                globex,
                "{\"name\":\"t\",\"type\":\"bearer\",\"credentialFields\":{\"token\":\"x\"}}"))) {
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.json().get("code").asString()).isEqualTo("not.found");
    }
    var foreignRef =
        api.post(
            APIS,
            globex,
            "{\"name\":\"thief\",\"method\":\"GET\",\"url\":\"https://x.example.com/\",\"credentialId\":\""
                + id
                + "\"}");
    assertThat(foreignRef.status()).isEqualTo(400);
    assertThat(foreignRef.json().get("messageParams").get("field").asString())
        .isEqualTo("credentialId");
    assertThat(api.get(BASE, globex).body()).doesNotContain(id);

    assertThat(api.patch(APIS + "/" + apiId, acme, "{\"credentialId\":null}").status())
        .isEqualTo(200);
    assertThat(api.delete(BASE + "/" + id, acme).status()).isEqualTo(204);
    assertThat(api.get(BASE + "/" + id, acme).status()).isEqualTo(404);
  }

  @Test
  void scopeIntegrationsIsRequired() {
    var c =
        api.post(
                "/api/v2/oauth/clients",
                acme,
                "{\"name\":\"architect only\",\"scope\":[\"architect\"]}")
            .json();
    String token = api.token(c.get("id").asString(), c.get("secret").asString());
    var r = api.get(BASE, token);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().get("messageParams").get("scope").asString()).isEqualTo("integrations");
  }

  static String createApi(String name, String path, String credentialId) {
    var r =
        api.post(
            APIS,
            acme,
            "{\"name\":\""
                + name
                + "\",\"method\":\"GET\",\"url\":\""
                + upstream.url(path)
                + "\",\"credentialId\":\""
                + credentialId
                + "\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  /** Writes to both streams: the console keeps its output, the test gets a copy. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      synchronized (b) {
        b.write(c);
      }
    }

    @Override
    public void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      synchronized (b) {
        b.write(buf, off, len);
      }
    }

    @Override
    public void flush() throws java.io.IOException {
      a.flush();
    }
  }
}
