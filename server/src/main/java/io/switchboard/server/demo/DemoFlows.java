package io.switchboard.server.demo;

import io.switchboard.server.Switchboard;
import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import io.switchboard.server.credentials.CredentialService;
import io.switchboard.server.externalapis.ExternalApi;
import io.switchboard.server.externalapis.ExternalApiInput;
import io.switchboard.server.externalapis.ExternalApiService;
import io.switchboard.server.flows.Flow;
import io.switchboard.server.flows.FlowInput;
import io.switchboard.server.flows.FlowService;
import io.switchboard.server.flows.FlowStore;
import io.switchboard.server.flows.definition.SourceReader;
import io.switchboard.server.identity.IdentityService;
import io.switchboard.server.identity.Scopes;
import io.switchboard.server.scripts.Script;
import io.switchboard.server.scripts.ScriptDocument;
import io.switchboard.server.scripts.ScriptRequest;
import io.switchboard.server.scripts.ScriptService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The demo's flows (issue 11, seeds 000 and 003), per demo org:
 *
 * <ul>
 *   <li>three published scripts, one per CRM tier ({@code Demo: gold customers}, ...);
 *   <li>two OAuth clients of the org with only {@code scripts:readonly}, each behind its own OAuth2
 *       client-credentials credential against this server's {@code /oauth/token} (secrets sealed as
 *       every credential's), so the two flows do not share a token and its 300/min limit;
 *   <li>the external APIs {@code Customer tier} and {@code Customer tier (naive)}: the caller's
 *       tier from the demo CRM ({@link DemoCrmRoutes}), one per flow so their circuits stay apart;
 *   <li>the external APIs {@code Personalised script} (retries on 429/5xx, deadline-aware) and
 *       {@code Personalised script (naive)} (no retries of its own): both read the published script
 *       of a tier from Switchboard's own API;
 *   <li>the published INBOUNDCALL flows {@code Personalised script} (CRM tier → cached script read
 *       → screen pop → Support; General on any failure or the deadline) and {@code Personalised
 *       script (naive)} (no cache, the flow retries the read three times at once);
 *   <li>the queues {@code Support} and {@code General} when missing, and the IVRs {@code Demo IVR}
 *       on {@value DemoRouting#DNIS} (resilient flow) and {@code Demo IVR (naive)} on {@value
 *       DemoRouting#NAIVE_DNIS}: a call placed on the number runs the flow.
 * </ul>
 *
 * Everything is found by name on later starts and left alone, except that token URLs and API URLs
 * move to this start's base URL when the port changed.
 */
public final class DemoFlows {
  public static final String FLOW_NAME = "Personalised script";
  public static final String NAIVE_FLOW_NAME = "Personalised script (naive)";
  public static final String TIER_API_NAME = "Customer tier";
  public static final String NAIVE_TIER_API_NAME = "Customer tier (naive)";
  public static final String SCRIPT_API_NAME = "Personalised script";
  public static final String NAIVE_SCRIPT_API_NAME = "Personalised script (naive)";
  public static final String CREDENTIAL_NAME = "Switchboard API (OAuth2)";
  public static final String NAIVE_CREDENTIAL_NAME = "Switchboard API (OAuth2, naive flow)";
  public static final List<String> TIERS = List.of("gold", "silver", "bronze");
  static final String SCRIPTS_PATH = "/api/v2/scripts/published";

  /** The published script the flow chooses for a CRM tier. */
  public static String scriptName(String tier) {
    return "Demo: " + tier + " customers";
  }

  /**
   * The flows' ids, the scripts by tier, and the IVRs answering {@link DemoRouting#DNIS} (resilient
   * flow) and {@link DemoRouting#NAIVE_DNIS} (naive flow).
   */
  public record OrgFlows(
      String flowId,
      String naiveFlowId,
      Map<String, String> scriptIdsByTier,
      String ivrId,
      String naiveIvrId) {}

  private final IdentityService identity;
  private final CredentialService credentials;
  private final DemoOAuthCredential oauthCredentials;
  private final ExternalApiService apis;
  private final ScriptService scripts;
  private final FlowService flows;
  private final DemoRouting routing;
  private final JsonMapper mapper = JsonMapper.builder().build();

  public DemoFlows(
      IdentityService identity,
      CredentialService credentials,
      ExternalApiService apis,
      ScriptService scripts,
      FlowService flows,
      Switchboard.Routing routing) {
    this.identity = identity;
    this.credentials = credentials;
    this.oauthCredentials = new DemoOAuthCredential(identity, credentials);
    this.apis = apis;
    this.scripts = scripts;
    this.flows = flows;
    this.routing = new DemoRouting(routing);
  }

  /**
   * Makes sure the org has the demo scripts, credentials, APIs and published flows (their CRM calls
   * need the demo CRM routes, {@code demo.crm-endpoint}).
   */
  public OrgFlows ensure(String orgId, String baseUrl) {
    var scriptIds = new LinkedHashMap<String, String>();
    for (String tier : TIERS) scriptIds.put(tier, script(orgId, tier));
    String resilient = credential(orgId, baseUrl, CREDENTIAL_NAME, "demo flow script reader");
    String naive =
        credential(orgId, baseUrl, NAIVE_CREDENTIAL_NAME, "demo naive flow script reader");
    DemoExternalApis.ensure(
        apis,
        orgId,
        baseUrl,
        tierApi(TIER_API_NAME, baseUrl, resilient),
        SCRIPTS_PATH,
        DemoCrmRoutes.BASE + "/");
    DemoExternalApis.ensure(
        apis,
        orgId,
        baseUrl,
        tierApi(NAIVE_TIER_API_NAME, baseUrl, naive),
        SCRIPTS_PATH,
        DemoCrmRoutes.BASE + "/");
    DemoExternalApis.ensure(
        apis,
        orgId,
        baseUrl,
        scriptApi(SCRIPT_API_NAME, baseUrl, resilient, 9000, 3),
        SCRIPTS_PATH,
        DemoCrmRoutes.BASE + "/");
    DemoExternalApis.ensure(
        apis,
        orgId,
        baseUrl,
        scriptApi(NAIVE_SCRIPT_API_NAME, baseUrl, naive, 9000, 0),
        SCRIPTS_PATH,
        DemoCrmRoutes.BASE + "/");
    // The flows route to these queues (the demo content adds its agents when it runs first).
    routing.ensureQueueNames(orgId);
    String flowId = flow(orgId, FLOW_NAME, "personalised-script.yaml");
    String naiveId = flow(orgId, NAIVE_FLOW_NAME, "personalised-script-naive.yaml");
    String ivr = routing.installIvr(orgId, DemoRouting.IVR_NAME, flowId, DemoRouting.DNIS).id();
    String naiveIvr =
        routing.installIvr(orgId, DemoRouting.NAIVE_IVR_NAME, naiveId, DemoRouting.NAIVE_DNIS).id();
    return new OrgFlows(flowId, naiveId, Map.copyOf(scriptIds), ivr, naiveIvr);
  }

  /**
   * {@code settings} with the one address this server's demo calls itself on added to {@code
   * externalapis.egress.allow}: the listen address ({@code 127.0.0.1} by default; for a wildcard
   * bind, 127.0.0.1, where the base URL points) as a single-address block, and the public URL's
   * host when set. Never a whole class such as all of loopback.
   */
  public static Settings allowOwnAddress(Settings settings) {
    var allow = new ArrayList<String>();
    settings.optional(SettingKeys.EGRESS_ALLOW).ifPresent(allow::add);
    String host = settings.optional(SettingKeys.HTTP_HOST).orElse("127.0.0.1");
    if (host.equals("0.0.0.0") || host.equals("::")) host = "127.0.0.1";
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    allow.add(host.matches("[0-9.]+") ? host + "/32" : host.contains(":") ? host + "/128" : host);
    settings
        .optional(SettingKeys.HTTP_PUBLIC_URL)
        .map(u -> URI.create(u).getHost())
        .ifPresent(allow::add);
    return settings.with(SettingKeys.EGRESS_ALLOW, String.join(",", allow));
  }

  private String script(String orgId, String tier) {
    String name = scriptName(tier);
    Script s = scripts.findByName(orgId, name).orElseGet(() -> scripts.create(orgId, draft(tier)));
    if (scripts.findLatestPublishedVersionId(orgId, s.id()).isEmpty())
      scripts.publish(orgId, s.id(), null);
    return s.id();
  }

  private static ScriptRequest draft(String tier) {
    var f = JsonNodeFactory.instance;
    var variable =
        new ScriptDocument.Variable(
            "customerId", "string", true, false, f.stringNode(""), "The caller, set by the flow.");
    var text =
        new ScriptDocument.Component(
            "hello",
            "text",
            "Welcome back, {{customerId}}: you are one of our "
                + tier
                + " customers. (Script chosen by the flow \"Personalised script\".)",
            null,
            null,
            null,
            null,
            null,
            null);
    var done =
        new ScriptDocument.Component(
            "done", "button", null, "Done", null, null, null, "complete", null);
    var page = new ScriptRequest.PageRequest("start", "Start", List.of(text, done));
    return new ScriptRequest(
        scriptName(tier), "start", List.of(variable), List.of(page), null, null, null);
  }

  private String credential(String orgId, String baseUrl, String name, String clientName) {
    return oauthCredentials.ensure(
        orgId,
        baseUrl,
        name,
        clientName,
        "Used by the demo flows' credential to read published scripts",
        Scopes.SCRIPTS + ":readonly");
  }

  /**
   * The caller's tier from the demo CRM, with the flow's own credential (the CRM checks the token,
   * not its scopes; it is not under {@code /api/v2}, so no quota), so neither flow's burst trips
   * the other's circuit.
   */
  private static ExternalApiInput tierApi(String name, String baseUrl, String credentialId) {
    return new ExternalApiInput(
        name,
        "The caller's tier from the demo CRM (used by the demo flow). Try inputs"
            + " {\"customerId\": \"+6591234567\"}.",
        null,
        "GET",
        baseUrl + DemoCrmRoutes.BASE + "/customers/${input.customerId}",
        8000,
        1,
        List.of(),
        credentialId,
        null,
        new ExternalApi.ResponseMapping(Map.of("tier", "$.customer.tier")),
        null,
        null,
        null,
        null,
        null);
  }

  private static ExternalApiInput scriptApi(
      String name, String baseUrl, String credentialId, int timeoutMs, int retry) {
    var outputs = new LinkedHashMap<String, String>();
    outputs.put("scriptId", "$.entities[0].id");
    outputs.put("scriptName", "$.entities[0].name");
    return new ExternalApiInput(
        name,
        "Reads the published script for a customer tier from this Switchboard's own API"
            + " (GET /api/v2/scripts/published?name=...), with an OAuth2 client-credentials"
            + " credential. Try inputs {\"tier\": \"gold\"}.",
        null,
        "GET",
        baseUrl + SCRIPTS_PATH + "?name=${input.tier}%20customers&pageSize=1",
        timeoutMs,
        retry,
        List.of(),
        credentialId,
        null,
        new ExternalApi.ResponseMapping(outputs),
        null,
        null,
        null,
        null,
        null);
  }

  private String flow(String orgId, String name, String resource) {
    Flow f =
        flows.list(orgId, new FlowStore.Filter(name, Set.of("INBOUNDCALL")), 0, 100).stream()
            .filter(x -> x.name().equals(name))
            .findFirst()
            .orElseGet(() ->
                flows.create(
                    orgId,
                    new FlowInput(
                        name,
                        "Demo (issue 11): the CRM tier chooses the agent's script",
                        "INBOUNDCALL")));
    if (f.publishedVersionId() != null) return f.id();
    flows.saveConfiguration(orgId, f.id(), definition(resource), SourceReader.Format.YAML);
    return flows.publish(orgId, f.id()).id();
  }

  private static byte[] definition(String resource) {
    try (InputStream in = DemoFlows.class.getResourceAsStream("/demo/" + resource)) {
      if (in == null) throw new IllegalStateException("missing resource /demo/" + resource);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
