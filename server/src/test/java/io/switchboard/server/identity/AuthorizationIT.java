package io.switchboard.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.IdFilterChecks;
import io.switchboard.server.testing.TestServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Roles, the Home division, clients granted roles, users' roles and passwords, over HTTP. */
class AuthorizationIT {
  static TestServer server;
  static Api api;
  static TestServer.OrgAccess acme;
  static String admin;
  static String other;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api();
    acme = server.newOrg();
    admin = api.token(acme);
    other = api.token(server.newOrg());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JsonNode role(String token, String name) {
    return api.get("/api/v2/authorization/roles?name=" + name, token).json().get("entities").get(0);
  }

  static String clientToken(String body) {
    var c = api.post("/api/v2/oauth/clients", admin, body);
    assertThat(c.status()).as(c.body()).isEqualTo(201);
    return api.token(c.json().get("id").asString(), c.json().get("secret").asString());
  }

  @Test
  void everyOrgHasTheBuiltInRolesAsGenesysShapesThem() {
    var list = api.get("/api/v2/authorization/roles?pageSize=100", admin).json();
    List<String> names = new ArrayList<>();
    list.get("entities").forEach(e -> names.add(e.get("name").asString()));
    assertThat(names).startsWith("admin", "integrator", "scripter", "agent");
    JsonNode agent = role(admin, "agent");
    assertThat(agent.get("base").asBoolean()).isTrue();
    assertThat(agent.get("default").asBoolean()).isTrue();
    assertThat(agent.get("scopes").toString()).contains("conversations", "scripts:readonly");
    assertThat(agent.get("permissions").toString())
        .contains("conversation:call:*", "scripter:script:view");
    JsonNode policy = agent.get("permissionPolicies").get(0);
    assertThat(policy.has("domain")).isTrue();
    assertThat(policy.get("actionSet").isArray()).isTrue();
    assertThat(agent.get("selfUri").asString())
        .isEqualTo("/api/v2/authorization/roles/" + agent.get("id").asString());
    // Each org has its own ids; another org's role is missing.
    assertThat(role(other, "agent").get("id").asString()).isNotEqualTo(agent.get("id").asString());
    assertThat(api.get("/api/v2/authorization/roles/" + agent.get("id").asString(), other).status())
        .isEqualTo(404);
    // Built-in roles are read-only.
    var put =
        api.put(
            "/api/v2/authorization/roles/" + agent.get("id").asString(),
            admin,
            "{\"name\":\"agent\",\"scopes\":[\"oauth\"]}");
    assertThat(put.status()).isEqualTo(400);
    assertThat(put.json().get("code").asString()).isEqualTo("role.builtin");
    assertThat(
            api.delete("/api/v2/authorization/roles/" + agent.get("id").asString(), admin).status())
        .isEqualTo(400);
  }

  @Test
  void rolesCountTheUsersHoldingThemUnlessAskedNotTo() {
    String tok = api.token(server.newOrg());
    var fx = new Fixtures(api, tok);
    String scripter = role(tok, "scripter").get("id").asString();
    String agent = role(tok, "agent").get("id").asString();
    assertThat(role(tok, "scripter").get("userCount").asInt()).isZero();
    String a = fx.user("Counted A");
    String b = fx.user("Counted B");
    String roles = "/api/v2/users/%s/roles";
    assertThat(
            api.put(roles.formatted(a), tok, "[\"" + scripter + "\",\"" + agent + "\"]").status())
        .isEqualTo(200);
    assertThat(api.put(roles.formatted(b), tok, "[\"" + scripter + "\"]").status()).isEqualTo(200);

    // Genesys's default: every listed role carries its count (the org's own roles too).
    var listed = api.get("/api/v2/authorization/roles?pageSize=100", tok).json().get("entities");
    Map<String, Integer> counts = new HashMap<>();
    listed.forEach(e -> counts.put(e.get("id").asString(), e.get("userCount").asInt()));
    assertThat(counts).containsEntry(scripter, 2).containsEntry(agent, 1);
    assertThat(counts).containsEntry(role(tok, "admin").get("id").asString(), 0);
    assertThat(
            api.get("/api/v2/authorization/roles/" + scripter, tok).json().get("userCount").asInt())
        .isEqualTo(2);
    // Not asked for: left out.
    api.get("/api/v2/authorization/roles?userCount=false", tok)
        .json()
        .get("entities")
        .forEach(e -> assertThat(e.has("userCount")).isFalse());
    assertThat(
            api.get("/api/v2/authorization/roles/" + scripter + "?userCount=FALSE", tok)
                .json()
                .has("userCount"))
        .isFalse();
    var bad = api.get("/api/v2/authorization/roles?userCount=maybe", tok);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("code").asString()).isEqualTo("invalid.value");

    // A deleted user keeps its grants but is no longer counted.
    assertThat(api.delete("/api/v2/users/" + b, tok).status()).isEqualTo(204);
    assertThat(role(tok, "scripter").get("userCount").asInt()).isEqualTo(1);
    // Another org's users never count.
    assertThat(role(other, "scripter").get("userCount").asInt()).isZero();
  }

  @Test
  void theRoleListingTakesIdsRepeatedOrCommaJoined() {
    String tok = api.token(server.newOrg());
    var made = new ArrayList<String>();
    for (String name : List.of("Ids A", "Ids B", "Ids C")) {
      var r =
          api.post(
              "/api/v2/authorization/roles",
              tok,
              "{\"name\":\"" + name + "\",\"scopes\":[\"users:readonly\"]}");
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      made.add(r.json().get("id").asString());
    }
    String foreign =
        api.post(
                "/api/v2/authorization/roles",
                other,
                "{\"name\":\"Ids A\",\"scopes\":[\"users:readonly\"]}")
            .json()
            .get("id")
            .asString();
    // The three in the listing's own order.
    List<String> own =
        IdFilterChecks.ids(
                IdFilterChecks.page(api, "/api/v2/authorization/roles?pageSize=100", tok))
            .stream()
            .filter(made::contains)
            .toList();
    assertThat(own).hasSize(3);
    IdFilterChecks.check(api, "/api/v2/authorization/roles", tok, own, other, foreign);

    // permission (a role's * matches any segment), defaultRoleId, sortBy=name.
    java.util.function.Function<String, List<String>> names =
        query ->
            IdFilterChecks.listed(
                api, "/api/v2/authorization/roles?pageSize=100" + query, tok, "name");
    assertThat(names.apply("&permission=directory:user:view"))
        .contains("Ids A", "Ids B", "Ids C", "admin");
    assertThat(names.apply("&permission=authorization:role:view"))
        .contains("admin")
        .doesNotContain("agent", "Ids A");
    assertThat(names.apply("&permission=architect:flow:edit")).doesNotContain("Ids A").isNotEmpty();
    assertThat(names.apply("&permission=no:such:thing")).isEmpty();
    assertThat(names.apply("&defaultRoleId=agent,admin"))
        .containsExactlyInAnyOrder("admin", "agent");
    List<String> byName = names.apply("&sortBy=name");
    assertThat(byName)
        .isSortedAccordingTo(String.CASE_INSENSITIVE_ORDER)
        .containsAll(names.apply(""));
    assertThat(api.get("/api/v2/authorization/roles?sortBy=size", tok).status()).isEqualTo(400);
  }

  @Test
  void customRolesFromScopesOrGenesysPermissions() {
    var byScopes =
        api.post(
            "/api/v2/authorization/roles",
            admin,
            "{\"name\":\"Auditor\",\"description\":\"reads\",\"scopes\":[\"users:readonly\"]}");
    assertThat(byScopes.status()).as(byScopes.body()).isEqualTo(201);
    assertThat(byScopes.json().get("permissions").toString()).contains("directory:user:view");
    assertThat(byScopes.json().get("base").asBoolean()).isFalse();
    var byPermissions =
        api.post(
            "/api/v2/authorization/roles",
            admin,
            "{\"name\":\"Flow"
                + " author\",\"permissions\":[\"architect:flow:*\",\"integrations:action:*\"],"
                + "\"permissionPolicies\":[{\"domain\":\"scripter\",\"entityName\":\"script\",\"actionSet\":[\"view\"]}],"
                + "\"unusedPermissions\":[],\"userCount\":0}");
    assertThat(byPermissions.status()).as(byPermissions.body()).isEqualTo(201);
    assertThat(byPermissions.json().get("scopes").toString())
        .contains("\"architect\"", "scripts:readonly");
    String id = byPermissions.json().get("id").asString();
    assertThat(api.get("/api/v2/authorization/roles/" + id, admin).json().get("name").asString())
        .isEqualTo("Flow author");

    assertThat(
            api.post(
                    "/api/v2/authorization/roles",
                    admin,
                    "{\"name\":\"auditor\",\"scopes\":[\"users\"]}")
                .json()
                .get("code")
                .asString())
        .isEqualTo("role.name.taken");
    assertThat(
            api.post(
                    "/api/v2/authorization/roles",
                    admin,
                    "{\"name\":\"admin\",\"scopes\":[\"users\"]}")
                .status())
        .isEqualTo(409);
    var unknown =
        api.post(
            "/api/v2/authorization/roles",
            admin,
            "{\"name\":\"x\",\"permissions\":[\"telephony:plugin:all\"]}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().get("messageParams").get("field").asString())
        .isEqualTo("permissions");
    assertThat(api.post("/api/v2/authorization/roles", admin, "{\"name\":\"empty\"}").status())
        .isEqualTo(400);
    assertThat(
            api.post(
                    "/api/v2/authorization/roles",
                    admin,
                    "{\"name\":\"bad\",\"scopes\":[\"nope\"]}")
                .status())
        .isEqualTo(400);
    assertThat(api.get("/api/v2/authorization/roles/" + id, other).status()).isEqualTo(404);
    assertThat(api.delete("/api/v2/authorization/roles/" + id, other).status()).isEqualTo(404);
    assertThat(api.delete("/api/v2/authorization/roles/" + id, admin).status()).isEqualTo(204);
    assertThat(api.get("/api/v2/authorization/roles/" + id, admin).status()).isEqualTo(404);
  }

  @Test
  void rolesNeedTheAuthorizationScopeAndCannotGrantMoreThanTheCallerHolds() {
    String scriptsOnly = clientToken("{\"name\":\"s\",\"scope\":[\"scripts\"]}");
    assertThat(api.get("/api/v2/authorization/roles", scriptsOnly).status()).isEqualTo(403);
    String reader = clientToken("{\"name\":\"r\",\"scope\":[\"authorization:readonly\"]}");
    assertThat(api.get("/api/v2/authorization/roles", reader).status()).isEqualTo(200);
    assertThat(
            api.post(
                    "/api/v2/authorization/roles",
                    reader,
                    "{\"name\":\"x\",\"scopes\":[\"users\"]}")
                .status())
        .isEqualTo(403);
    String authz = clientToken("{\"name\":\"a\",\"scope\":[\"authorization\",\"users\"]}");
    var escalate =
        api.post(
            "/api/v2/authorization/roles", authz, "{\"name\":\"root\",\"scopes\":[\"oauth\"]}");
    assertThat(escalate.status()).isEqualTo(403);
    assertThat(escalate.json().get("code").asString()).isEqualTo("missing.scope");
    // Nor may it make a user an admin, or set an admin user's password.
    String user =
        api.post(
                "/api/v2/users",
                admin,
                "{\"name\":\"U\",\"email\":\"u." + UUID.randomUUID() + "@example.com\"}")
            .json()
            .get("id")
            .asString();
    String adminRole = role(admin, "admin").get("id").asString();
    assertThat(
            api.put("/api/v2/users/" + user + "/roles", authz, "[\"" + adminRole + "\"]").status())
        .isEqualTo(403);
    assertThat(
            api.put("/api/v2/users/" + user + "/roles", admin, "[\"" + adminRole + "\"]").status())
        .isEqualTo(200);
    var takeOver =
        api.post(
            "/api/v2/users/" + user + "/password", authz, "{\"newPassword\":\"attacker pw 1\"}");
    assertThat(takeOver.status()).isEqualTo(403);
  }

  @Test
  void theOrgHasOneHomeDivision() {
    JsonNode home = api.get("/api/v2/authorization/divisions/home", admin).json();
    assertThat(home.get("name").asString()).isEqualTo("Home");
    assertThat(home.get("homeDivision").asBoolean()).isTrue();
    String id = home.get("id").asString();
    assertThat(home.get("selfUri").asString()).isEqualTo("/api/v2/authorization/divisions/" + id);
    assertThat(api.get("/api/v2/authorization/divisions/" + id, admin).json().get("id").asString())
        .isEqualTo(id);
    var list = api.get("/api/v2/authorization/divisions", admin).json();
    assertThat(list.get("total").asLong()).isEqualTo(1);
    assertThat(list.get("entities").get(0).get("id").asString()).isEqualTo(id);
    assertThat(api.get("/api/v2/authorization/divisions/" + id, other).status()).isEqualTo(404);
    assertThat(api.get("/api/v2/authorization/divisions/home", other).json().get("id").asString())
        .isNotEqualTo(id);
    // Users carry it.
    var user =
        api.post(
                "/api/v2/users",
                admin,
                "{\"name\":\"D\",\"email\":\"d." + UUID.randomUUID() + "@example.com\"}")
            .json();
    assertThat(user.get("division").get("id").asString()).isEqualTo(id);
    assertThat(user.get("division").get("name").asString()).isEqualTo("Home");
  }

  @Test
  void aClientWithRoleDivisionsAndNoScopeGetsItsRolesScopes() {
    String home =
        api.get("/api/v2/authorization/divisions/home", admin).json().get("id").asString();
    String scripter = role(admin, "scripter").get("id").asString();
    var created =
        api.post(
            "/api/v2/oauth/clients",
            admin,
            "{\"name\":\"by role\",\"authorizedGrantType\":\"CLIENT-CREDENTIALS\","
                + "\"roleDivisions\":[{\"roleId\":\""
                + scripter
                + "\",\"divisionId\":\""
                + home
                + "\"}]}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("scope").size()).isZero();
    assertThat(created.json().get("roleDivisions").get(0).get("roleId").asString())
        .isEqualTo(scripter);
    assertThat(created.json().get("roleIds").get(0).asString()).isEqualTo(scripter);
    String token =
        api.token(created.json().get("id").asString(), created.json().get("secret").asString());
    var info = api.get("/api/v2/tokens/me", token).json();
    assertThat(info.get("authorizedScope").toString()).contains("\"scripts\"", "users:readonly");
    assertThat(api.post("/api/v2/scripts", token, "{}").status()).isNotEqualTo(403);
    assertThat(api.get("/api/v2/oauth/clients", token).status()).isEqualTo(403);

    // A custom role's change applies to the next token; deleting the role takes its grant away.
    var custom =
        api.post(
                "/api/v2/authorization/roles",
                admin,
                "{\"name\":\"rd-" + UUID.randomUUID() + "\",\"scopes\":[\"routing:readonly\"]}")
            .json();
    String customId = custom.get("id").asString();
    var viaRoleIds =
        api.post(
                "/api/v2/oauth/clients",
                admin,
                "{\"name\":\"by roleIds\",\"roleIds\":[\"" + customId + "\"]}")
            .json();
    String cid = viaRoleIds.get("id").asString();
    String secret = viaRoleIds.get("secret").asString();
    String before = api.token(cid, secret);
    assertThat(api.get("/api/v2/routing/wrapupcodes", before).status()).isEqualTo(200);
    assertThat(api.get("/api/v2/users", before).status()).isEqualTo(403);
    api.put(
        "/api/v2/authorization/roles/" + customId,
        admin,
        "{\"name\":\""
            + custom.get("name").asString()
            + "\",\"scopes\":[\"routing:readonly\",\"users:readonly\"]}");
    assertThat(api.get("/api/v2/users", before).status()).isEqualTo(403);
    assertThat(api.get("/api/v2/users", api.token(cid, secret)).status()).isEqualTo(200);
    api.delete("/api/v2/authorization/roles/" + customId, admin);
    String after = api.token(cid, secret);
    assertThat(api.get("/api/v2/tokens/me", after).json().get("authorizedScope").size()).isZero();
  }

  @Test
  void roleDivisionsAreChecked() {
    String scripter = role(admin, "scripter").get("id").asString();
    String othersRole = role(other, "scripter").get("id").asString();
    String othersHome =
        api.get("/api/v2/authorization/divisions/home", other).json().get("id").asString();
    assertThat(
            api.post(
                    "/api/v2/oauth/clients",
                    admin,
                    "{\"name\":\"x\",\"roleDivisions\":[{\"roleId\":\""
                        + othersRole
                        + "\",\"divisionId\":\"home\"}]}")
                .status())
        .isEqualTo(400);
    assertThat(
            api.post(
                    "/api/v2/oauth/clients",
                    admin,
                    "{\"name\":\"x\",\"roleDivisions\":[{\"roleId\":\""
                        + scripter
                        + "\",\"divisionId\":\""
                        + othersHome
                        + "\"}]}")
                .status())
        .isEqualTo(400);
    assertThat(api.post("/api/v2/oauth/clients", admin, "{\"name\":\"x\"}").status())
        .isEqualTo(400);
    // A client granting a role whose scopes it lacks is refused.
    String usersOnly = clientToken("{\"name\":\"u\",\"scope\":[\"oauth\",\"users\"]}");
    var escalate =
        api.post(
            "/api/v2/oauth/clients",
            usersOnly,
            "{\"name\":\"x\",\"roleDivisions\":[{\"roleId\":\""
                + role(admin, "admin").get("id").asString()
                + "\",\"divisionId\":\"*\"}]}");
    assertThat(escalate.status()).isEqualTo(403);
  }

  @Test
  void userRolesAndPasswords() {
    String email = "p." + UUID.randomUUID() + "@example.com";
    var created =
        api.post(
            "/api/v2/users",
            admin,
            "{\"name\":\"P\",\"email\":\"" + email + "\",\"password\":\"short\"}");
    assertThat(created.status()).isEqualTo(400);
    assertThat(created.json().get("messageParams").get("field").asString()).isEqualTo("password");
    assertThat(created.body()).doesNotContain("short\"");
    String id =
        api.post("/api/v2/users", admin, "{\"name\":\"P\",\"email\":\"" + email + "\"}")
            .json()
            .get("id")
            .asString();
    String agent = role(admin, "agent").get("id").asString();
    var put = api.put("/api/v2/users/" + id + "/roles", admin, "[\"" + agent + "\"]");
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.json().get("roles").get(0).get("name").asString()).isEqualTo("agent");
    assertThat(put.json().get("permissions").toString()).contains("conversation:call:*");
    assertThat(api.get("/api/v2/users/" + id + "/roles", admin).json().get("roles").size())
        .isEqualTo(1);
    assertThat(api.put("/api/v2/users/" + id + "/roles", admin, "[\"nope\"]").status())
        .isEqualTo(400);
    assertThat(api.put("/api/v2/users/" + id + "/roles", admin, "{}").status()).isEqualTo(400);
    assertThat(api.put("/api/v2/users/" + id + "/roles", other, "[]").status()).isEqualTo(404);
    assertThat(api.get("/api/v2/users/" + id + "/roles", other).status()).isEqualTo(404);

    assertThat(
            api.post(
                    "/api/v2/users/" + id + "/password",
                    admin,
                    "{\"newPassword\":\"a good password\"}")
                .status())
        .isEqualTo(204);
    assertThat(
            api.post("/api/v2/users/" + id + "/password", admin, "{\"newPassword\":\"x\"}")
                .status())
        .isEqualTo(400);
    assertThat(
            api.post(
                    "/api/v2/users/" + id + "/password",
                    other,
                    "{\"newPassword\":\"a good password\"}")
                .status())
        .isEqualTo(404);
    assertThat(api.get("/api/v2/users/" + id, admin).body()).doesNotContain("password");
    // A client token has no "me".
    var me =
        api.post(
            "/api/v2/users/me/password",
            admin,
            "{\"oldPassword\":\"a\",\"newPassword\":\"b good password\"}");
    assertThat(me.status()).isEqualTo(400);
    assertThat(me.json().get("code").asString()).isEqualTo("not.a.user");
  }
}
