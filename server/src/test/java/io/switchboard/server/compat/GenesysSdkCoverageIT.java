package io.switchboard.server.compat;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Genesys endpoint the server registers is driven through the official Java SDK's typed
 * classes by some compat test: each registered {@code /api/v2} route is either in {@link #SDK}
 * (route to the SDK method that calls it, checked against the SDK's own request path and found
 * called in a compat test) or in {@link #EXTENSIONS} (Switchboard-only, with the reason). A new
 * route in neither table fails the build. The README's "Supported Genesys endpoints" table is
 * {@link #SDK}, checked here too.
 */
class GenesysSdkCoverageIT {
  static final String SDK_PACKAGE = "com.mypurecloud.sdk.v2.api.";

  /** "METHOD /path" as the server registers it, to "Api.method" of the official Java SDK. */
  static final Map<String, String> SDK =
      pairs(
          "POST /api/v2/analytics/queues/observations/query",
              "AnalyticsApi.postAnalyticsQueuesObservationsQuery",
          "GET /api/v2/architect/ivrs", "ArchitectApi.getArchitectIvrs",
          "POST /api/v2/architect/ivrs", "ArchitectApi.postArchitectIvrs",
          "GET /api/v2/architect/ivrs/{id}", "ArchitectApi.getArchitectIvr",
          "PUT /api/v2/architect/ivrs/{id}", "ArchitectApi.putArchitectIvr",
          "DELETE /api/v2/architect/ivrs/{id}", "ArchitectApi.deleteArchitectIvr",
          "GET /api/v2/authorization/divisions", "AuthorizationApi.getAuthorizationDivisions",
          "GET /api/v2/authorization/divisions/home",
              "AuthorizationApi.getAuthorizationDivisionsHome",
          "GET /api/v2/authorization/divisions/{id}", "AuthorizationApi.getAuthorizationDivision",
          "GET /api/v2/authorization/roles", "AuthorizationApi.getAuthorizationRoles",
          "POST /api/v2/authorization/roles", "AuthorizationApi.postAuthorizationRoles",
          "GET /api/v2/authorization/roles/{id}", "AuthorizationApi.getAuthorizationRole",
          "PUT /api/v2/authorization/roles/{id}", "AuthorizationApi.putAuthorizationRole",
          "DELETE /api/v2/authorization/roles/{id}", "AuthorizationApi.deleteAuthorizationRole",
          "POST /api/v2/conversations/calls", "ConversationsApi.postConversationsCalls",
          "PATCH /api/v2/conversations/calls/{cid}/participants/{pid}",
              "ConversationsApi.patchConversationsCallParticipant",
          "POST /api/v2/conversations/calls/{cid}/participants/{pid}/communications/{commId}/wrapup",
              "ConversationsApi.postConversationsCallParticipantCommunicationWrapup",
          "GET /api/v2/conversations/calls/{cid}/participants/{pid}/wrapup",
              "ConversationsApi.getConversationsCallParticipantWrapup",
          "GET /api/v2/conversations/calls/{id}", "ConversationsApi.getConversationsCall",
          "PATCH /api/v2/conversations/{cid}/participants/{pid}",
              "ConversationsApi.patchConversationParticipant",
          "GET /api/v2/conversations/{cid}/participants/{pid}/wrapup",
              "ConversationsApi.getConversationParticipantWrapup",
          "GET /api/v2/conversations/{id}", "ConversationsApi.getConversation",
          "POST /api/v2/conversations/{id}/disconnect",
              "ConversationsApi.postConversationDisconnect",
          "GET /api/v2/flows", "ArchitectApi.getFlows",
          "POST /api/v2/flows", "ArchitectApi.postFlows",
          "POST /api/v2/flows/actions/publish", "ArchitectApi.postFlowsActionsPublish",
          "POST /api/v2/flows/executions", "ArchitectApi.postFlowsExecutions",
          "GET /api/v2/flows/executions/{executionId}", "ArchitectApi.getFlowsExecution",
          "GET /api/v2/flows/{id}", "ArchitectApi.getFlow",
          "PUT /api/v2/flows/{id}", "ArchitectApi.putFlow",
          "DELETE /api/v2/flows/{id}", "ArchitectApi.deleteFlow",
          "GET /api/v2/flows/{id}/latestconfiguration", "ArchitectApi.getFlowLatestconfiguration",
          "GET /api/v2/flows/{id}/versions", "ArchitectApi.getFlowVersions",
          "GET /api/v2/flows/{id}/versions/{versionId}", "ArchitectApi.getFlowVersion",
          "GET /api/v2/flows/{id}/versions/{versionId}/configuration",
              "ArchitectApi.getFlowVersionConfiguration",
          "GET /api/v2/integrations", "IntegrationsApi.getIntegrations",
          "POST /api/v2/integrations", "IntegrationsApi.postIntegrations",
          "GET /api/v2/integrations/actions", "IntegrationsApi.getIntegrationsActions",
          "POST /api/v2/integrations/actions", "IntegrationsApi.postIntegrationsActions",
          "GET /api/v2/integrations/actions/{actionId}", "IntegrationsApi.getIntegrationsAction",
          "PATCH /api/v2/integrations/actions/{actionId}",
              "IntegrationsApi.patchIntegrationsAction",
          "DELETE /api/v2/integrations/actions/{actionId}",
              "IntegrationsApi.deleteIntegrationsAction",
          "POST /api/v2/integrations/actions/{actionId}/execute",
              "IntegrationsApi.postIntegrationsActionExecute",
          "POST /api/v2/integrations/actions/{actionId}/test",
              "IntegrationsApi.postIntegrationsActionTest",
          "GET /api/v2/integrations/credentials", "IntegrationsApi.getIntegrationsCredentials",
          "POST /api/v2/integrations/credentials", "IntegrationsApi.postIntegrationsCredentials",
          "GET /api/v2/integrations/credentials/types",
              "IntegrationsApi.getIntegrationsCredentialsTypes",
          "GET /api/v2/integrations/credentials/{id}", "IntegrationsApi.getIntegrationsCredential",
          "PUT /api/v2/integrations/credentials/{id}", "IntegrationsApi.putIntegrationsCredential",
          "DELETE /api/v2/integrations/credentials/{id}",
              "IntegrationsApi.deleteIntegrationsCredential",
          "GET /api/v2/integrations/{integrationId}", "IntegrationsApi.getIntegration",
          "PATCH /api/v2/integrations/{integrationId}", "IntegrationsApi.patchIntegration",
          "DELETE /api/v2/integrations/{integrationId}", "IntegrationsApi.deleteIntegration",
          "GET /api/v2/integrations/{integrationId}/config/current",
              "IntegrationsApi.getIntegrationConfigCurrent",
          "PUT /api/v2/integrations/{integrationId}/config/current",
              "IntegrationsApi.putIntegrationConfigCurrent",
          "GET /api/v2/notifications/availabletopics",
              "NotificationsApi.getNotificationsAvailabletopics",
          "GET /api/v2/notifications/channels", "NotificationsApi.getNotificationsChannels",
          "POST /api/v2/notifications/channels", "NotificationsApi.postNotificationsChannels",
          "HEAD /api/v2/notifications/channels/{id}", "NotificationsApi.headNotificationsChannel",
          "GET /api/v2/notifications/channels/{id}/subscriptions",
              "NotificationsApi.getNotificationsChannelSubscriptions",
          "POST /api/v2/notifications/channels/{id}/subscriptions",
              "NotificationsApi.postNotificationsChannelSubscriptions",
          "PUT /api/v2/notifications/channels/{id}/subscriptions",
              "NotificationsApi.putNotificationsChannelSubscriptions",
          "DELETE /api/v2/notifications/channels/{id}/subscriptions",
              "NotificationsApi.deleteNotificationsChannelSubscriptions",
          "GET /api/v2/oauth/clients", "OAuthApi.getOauthClients",
          "POST /api/v2/oauth/clients", "OAuthApi.postOauthClients",
          "GET /api/v2/oauth/clients/{id}", "OAuthApi.getOauthClient",
          "PUT /api/v2/oauth/clients/{id}", "OAuthApi.putOauthClient",
          "DELETE /api/v2/oauth/clients/{id}", "OAuthApi.deleteOauthClient",
          "POST /api/v2/oauth/clients/{id}/secret", "OAuthApi.postOauthClientSecret",
          "GET /api/v2/organizations/limits/namespaces",
              "OrganizationApi.getOrganizationsLimitsNamespaces",
          "GET /api/v2/organizations/limits/namespaces/{namespace}",
              "OrganizationApi.getOrganizationsLimitsNamespace",
          "GET /api/v2/organizations/limits/namespaces/{namespace}/defaults",
              "OrganizationApi.getOrganizationsLimitsNamespaceDefaults",
          "GET /api/v2/routing/queues", "RoutingApi.getRoutingQueues",
          "POST /api/v2/routing/queues", "RoutingApi.postRoutingQueues",
          "GET /api/v2/routing/queues/{id}", "RoutingApi.getRoutingQueue",
          "PUT /api/v2/routing/queues/{id}", "RoutingApi.putRoutingQueue",
          "DELETE /api/v2/routing/queues/{id}", "RoutingApi.deleteRoutingQueue",
          "GET /api/v2/routing/queues/{id}/members", "RoutingApi.getRoutingQueueMembers",
          "POST /api/v2/routing/queues/{id}/members", "RoutingApi.postRoutingQueueMembers",
          "DELETE /api/v2/routing/queues/{id}/members/{memberId}",
              "RoutingApi.deleteRoutingQueueMember",
          "GET /api/v2/routing/wrapupcodes", "RoutingApi.getRoutingWrapupcodes",
          "POST /api/v2/routing/wrapupcodes", "RoutingApi.postRoutingWrapupcodes",
          "GET /api/v2/routing/wrapupcodes/{id}", "RoutingApi.getRoutingWrapupcode",
          "PUT /api/v2/routing/wrapupcodes/{id}", "RoutingApi.putRoutingWrapupcode",
          "DELETE /api/v2/routing/wrapupcodes/{id}", "RoutingApi.deleteRoutingWrapupcode",
          "GET /api/v2/scripts", "ScriptsApi.getScripts",
          "GET /api/v2/scripts/published", "ScriptsApi.getScriptsPublished",
          "POST /api/v2/scripts/published", "ScriptsApi.postScriptsPublished",
          "GET /api/v2/scripts/published/{id}", "ScriptsApi.getScriptsPublishedScriptId",
          "GET /api/v2/scripts/published/{id}/pages", "ScriptsApi.getScriptsPublishedScriptIdPages",
          "GET /api/v2/scripts/published/{id}/pages/{pageId}",
              "ScriptsApi.getScriptsPublishedScriptIdPage",
          "GET /api/v2/scripts/published/{id}/variables",
              "ScriptsApi.getScriptsPublishedScriptIdVariables",
          "GET /api/v2/scripts/{id}", "ScriptsApi.getScript",
          "GET /api/v2/scripts/{id}/pages", "ScriptsApi.getScriptPages",
          "GET /api/v2/scripts/{id}/pages/{pageId}", "ScriptsApi.getScriptPage",
          "GET /api/v2/tokens/me", "TokensApi.getTokensMe",
          "DELETE /api/v2/tokens/me", "TokensApi.deleteTokensMe",
          "GET /api/v2/users", "UsersApi.getUsers",
          "POST /api/v2/users", "UsersApi.postUsers",
          "GET /api/v2/users/me", "UsersApi.getUsersMe",
          "POST /api/v2/users/me/password", "UsersApi.postUsersMePassword",
          "GET /api/v2/users/{id}", "UsersApi.getUser",
          "DELETE /api/v2/users/{id}", "UsersApi.deleteUser",
          "POST /api/v2/users/{id}/password", "UsersApi.postUserPassword",
          "GET /api/v2/users/{id}/roles", "UsersApi.getUserRoles",
          "PUT /api/v2/users/{id}/roles", "UsersApi.putUserRoles",
          "GET /api/v2/users/{id}/routingstatus", "UsersApi.getUserRoutingstatus",
          "PUT /api/v2/users/{id}/routingstatus", "UsersApi.putUserRoutingstatus");

  static final String SESSIONS =
      "agent-scripting sessions: Switchboard's own script sessions (Genesys has no public API)";
  static final String EXTERNAL_APIS =
      "external APIs: Switchboard's own data-action form (Genesys's is"
          + " /api/v2/integrations/actions)";
  static final String ARCHITECT_ALIAS =
      "an alias of the same route under /api/v2/flows (same handler; the SDK calls that path)";
  static final String FLOW_EXECUTIONS =
      "flow execution listings and summaries: Switchboard extensions (Genesys has no such listing)";
  static final String FLOW_CONFIGURATION =
      "saving a flow's configuration: Genesys does it through Architect tooling, not a public API";
  static final String IMPORT =
      "importing a Genesys UI data-action export: Genesys does this in its UI only";
  static final String SCRIPTING_WRAPUP =
      "the agent-scripting wrap-up shortcut: Switchboard's own, beside Genesys's conversation"
          + " wrap-ups";
  static final String LIMITS =
      "setting an org's limits and reading their usage: Switchboard extensions (Genesys's are"
          + " read-only)";
  static final String SCRIPT_WRITES =
      "script writes: Genesys's script editor API is not public (the SDK has no such method)";
  static final String FAULTS =
      "fault injection: a Switchboard extension with no Genesys counterpart";

  /** Registered {@code /api/v2} routes the Genesys SDK has no method for, and why. */
  static final Map<String, String> EXTENSIONS =
      Map.ofEntries(
          entry(
              "GET /api/v2/docs/openapi.json",
              "the API reference: Switchboard's own OpenAPI document (apidocs package)"),
          entry("GET /api/v2/agent-scripting/sessions", SESSIONS),
          entry("POST /api/v2/agent-scripting/sessions", SESSIONS),
          entry("POST /api/v2/agent-scripting/sessions/bulk", SESSIONS),
          entry("GET /api/v2/agent-scripting/sessions/{id}", SESSIONS),
          entry("PUT /api/v2/agent-scripting/sessions/{id}", SESSIONS),
          entry("PATCH /api/v2/agent-scripting/sessions/{id}", SESSIONS),
          entry("POST /api/v2/agent-scripting/sessions/{id}/complete", SESSIONS),
          entry("GET /api/v2/agent-scripting/sessions/{id}/render", SESSIONS),
          entry("GET /api/v2/architect/external-apis", EXTERNAL_APIS),
          entry("POST /api/v2/architect/external-apis", EXTERNAL_APIS),
          entry("POST /api/v2/architect/external-apis/query", EXTERNAL_APIS),
          entry("GET /api/v2/architect/external-apis/{id}", EXTERNAL_APIS),
          entry("PUT /api/v2/architect/external-apis/{id}", EXTERNAL_APIS),
          entry("PATCH /api/v2/architect/external-apis/{id}", EXTERNAL_APIS),
          entry("DELETE /api/v2/architect/external-apis/{id}", EXTERNAL_APIS),
          entry("POST /api/v2/architect/external-apis/{id}/test", EXTERNAL_APIS),
          entry("GET /api/v2/architect/external-apis/{id}/circuit", EXTERNAL_APIS),
          entry("GET /api/v2/architect/flows", ARCHITECT_ALIAS),
          entry("POST /api/v2/architect/flows", ARCHITECT_ALIAS),
          entry("POST /api/v2/architect/flows/actions/publish", ARCHITECT_ALIAS),
          entry("POST /api/v2/architect/flows/executions", ARCHITECT_ALIAS),
          entry("GET /api/v2/architect/flows/executions/{executionId}", ARCHITECT_ALIAS),
          entry("GET /api/v2/architect/flows/{id}", ARCHITECT_ALIAS),
          entry("PUT /api/v2/architect/flows/{id}", ARCHITECT_ALIAS),
          entry("DELETE /api/v2/architect/flows/{id}", ARCHITECT_ALIAS),
          entry("GET /api/v2/architect/flows/{id}/executions", ARCHITECT_ALIAS),
          entry("GET /api/v2/architect/flows/{id}/executions/summary", ARCHITECT_ALIAS),
          entry("GET /api/v2/architect/flows/{id}/latestconfiguration", ARCHITECT_ALIAS),
          entry("PUT /api/v2/architect/flows/{id}/latestconfiguration", ARCHITECT_ALIAS),
          entry("GET /api/v2/architect/flows/{id}/versions", ARCHITECT_ALIAS),
          entry("GET /api/v2/architect/flows/{id}/versions/{versionId}", ARCHITECT_ALIAS),
          entry(
              "GET /api/v2/architect/flows/{id}/versions/{versionId}/configuration",
              ARCHITECT_ALIAS),
          entry("GET /api/v2/conversations/{id}/flowexecutions", FLOW_EXECUTIONS),
          entry("GET /api/v2/flows/{id}/executions", FLOW_EXECUTIONS),
          entry("GET /api/v2/flows/{id}/executions/summary", FLOW_EXECUTIONS),
          entry("PUT /api/v2/flows/{id}/latestconfiguration", FLOW_CONFIGURATION),
          entry("POST /api/v2/integrations/actions/import", IMPORT),
          entry(
              "POST /api/v2/integrations/scripting/interactions/{interactionId}/wrapup",
              SCRIPTING_WRAPUP),
          entry("PUT /api/v2/organizations/limits/namespaces/{namespace}", LIMITS),
          entry("GET /api/v2/organizations/limits/usage", LIMITS),
          entry("POST /api/v2/scripts", SCRIPT_WRITES),
          entry("PUT /api/v2/scripts/{id}", SCRIPT_WRITES),
          entry("DELETE /api/v2/scripts/{id}", SCRIPT_WRITES),
          entry("GET /api/v2/switchboard/faults", FAULTS),
          entry("POST /api/v2/switchboard/faults", FAULTS),
          entry("DELETE /api/v2/switchboard/faults", FAULTS),
          entry("GET /api/v2/switchboard/faults/scenarios", FAULTS),
          entry("POST /api/v2/switchboard/faults/scenarios", FAULTS),
          entry("POST /api/v2/switchboard/faults/scenarios/{name}", FAULTS),
          entry("GET /api/v2/switchboard/faults/{id}", FAULTS),
          entry("DELETE /api/v2/switchboard/faults/{id}", FAULTS));

  static final Path COMPAT = Path.of("src/test/java/io/switchboard/server/compat");
  static final Path README = Path.of("../README.md");
  static final String TABLE_START = "<!-- genesys-endpoints:start -->";
  static final String TABLE_END = "<!-- genesys-endpoints:end -->";

  static Map<String, String> pairs(String... kv) {
    var out = new LinkedHashMap<String, String>();
    for (int i = 0; i < kv.length; i += 2) {
      if (out.put(kv[i], kv[i + 1]) != null) throw new IllegalStateException("twice: " + kv[i]);
    }
    return out;
  }

  static List<String> registeredApiRoutes() {
    try (TestServer server = TestServer.start()) {
      return server.switchboard().routes().stream()
          .filter(r -> r.split(" ", 2)[1].startsWith("/api/v2/"))
          .toList();
    }
  }

  @Test
  void everyRegisteredGenesysRouteIsDrivenThroughTheSdk() throws Exception {
    List<String> routes = registeredApiRoutes();
    assertThat(routes).hasSizeGreaterThan(100);

    List<String> problems = new ArrayList<>();
    Set<String> unclassified = new TreeSet<>(routes);
    unclassified.removeAll(SDK.keySet());
    unclassified.removeAll(EXTENSIONS.keySet());
    for (String route : unclassified) {
      problems.add(
          route
              + ": neither driven through the SDK by a compat test (add it to SDK) nor listed as"
              + " Switchboard-only (EXTENSIONS, with the reason)");
    }
    for (String route : SDK.keySet()) {
      if (EXTENSIONS.containsKey(route)) problems.add(route + ": in both SDK and EXTENSIONS");
      if (!routes.contains(route)) problems.add(route + ": in SDK but not registered");
    }
    for (String route : EXTENSIONS.keySet()) {
      if (!routes.contains(route)) problems.add(route + ": in EXTENSIONS but not registered");
    }

    String sources = compatSources();
    for (var e : SDK.entrySet()) {
      String route = e.getKey();
      String apiClass = e.getValue().split("\\.")[0];
      String method = e.getValue().split("\\.")[1];
      Class<?> api = Class.forName(SDK_PACKAGE + apiClass);
      if (Arrays.stream(api.getMethods()).noneMatch(m -> m.getName().equals(method))) {
        problems.add(route + ": " + apiClass + " has no method " + method);
        continue;
      }
      String sdkRoute = sdkRoute(method);
      if (!normalized(route).equals(normalized(sdkRoute))) {
        problems.add(route + ": " + method + " calls " + sdkRoute);
      }
      if (!Pattern.compile("\\." + method + "\\(").matcher(sources).find()) {
        problems.add(route + ": no compat test calls " + apiClass + "." + method);
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void theReadmeListsTheSupportedGenesysEndpoints() throws IOException {
    String readme = Files.readString(README);
    int start = readme.indexOf(TABLE_START);
    int end = readme.indexOf(TABLE_END);
    assertThat(start).as("README marker " + TABLE_START).isNotNegative();
    assertThat(end).as("README marker " + TABLE_END).isGreaterThan(start);
    String actual = readme.substring(start + TABLE_START.length(), end).strip();
    assertThat(actual).as("README table (paste the expected text)").isEqualTo(readmeTable());
  }

  /** The README's table: one row per SDK-driven route, in {@link #SDK}'s order. */
  static String readmeTable() {
    var rows = new ArrayList<String>();
    rows.add("| Method | Path | Java SDK |");
    rows.add("|---|---|---|");
    SDK.forEach((route, method) -> {
      String[] mp = route.split(" ", 2);
      rows.add("| " + mp[0] + " | `" + mp[1] + "` | `" + method + "` |");
    });
    return String.join("\n", rows);
  }

  /** "METHOD /path" of the SDK's request class for this API method, read from its bytecode. */
  static String sdkRoute(String method) {
    String name =
        "com/mypurecloud/sdk/v2/api/request/"
            + Character.toUpperCase(method.charAt(0))
            + method.substring(1)
            + "Request.class";
    try (InputStream in = GenesysSdkCoverageIT.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) return "(no request class " + name + ")";
      String bytes = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      Matcher m = Pattern.compile("/api/v2/[A-Za-z0-9_/{}.\\-]*").matcher(bytes);
      if (!m.find()) return "(no path in " + name + ")";
      String verb = method.replaceAll("^([a-z]+).*", "$1").toUpperCase();
      return verb + " " + m.group();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String normalized(String route) {
    return route.replaceAll("\\{[^}]*}", "{}");
  }

  static String compatSources() throws IOException {
    try (Stream<Path> files = Files.list(COMPAT)) {
      return files
          .filter(p -> p.toString().endsWith(".java"))
          .filter(p -> !p.getFileName().toString().equals("GenesysSdkCoverageIT.java"))
          .map(p -> {
            try {
              return Files.readString(p);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          })
          .collect(Collectors.joining("\n"));
    }
  }
}
