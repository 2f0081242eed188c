package io.switchboard.server.demo;

import io.switchboard.server.identity.IdentityService;
import io.switchboard.server.identity.Org;
import io.switchboard.server.identity.Principal;
import io.switchboard.server.storage.OwnerOnlyFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code serve --demo}: two ready orgs ({@code acme}, {@code globex}), each with an all-scopes
 * admin client, and {@code demo-credentials.json} (owner-only) so a new user can call the API at
 * once. Later starts reuse the orgs and the credentials file; if the file is gone, a fresh admin
 * client is made, since stored secrets are hashes and cannot be shown again.
 */
public final class DemoSetup {
  public static final List<String> ORG_NAMES = List.of("acme", "globex");
  public static final String CREDENTIALS_FILE = "demo-credentials.json";

  public record DemoOrg(String name, String orgId, String clientId, String clientSecret) {}

  /**
   * {@code content} holds, per org, the ids of the demo agents, codes, script, call and session.
   */
  public record DemoCredentials(
      String baseUrl,
      List<DemoOrg> orgs,
      List<DemoContent.OrgContent> content,
      List<DemoFlows.OrgFlows> flows,
      List<DemoPages.OrgPages> pages) {
    public DemoCredentials {
      pages = pages == null ? List.of() : pages;
    }

    public DemoCredentials(String baseUrl, List<DemoOrg> orgs) {
      this(baseUrl, orgs, List.of(), List.of(), List.of());
    }

    public DemoCredentials(
        String baseUrl, List<DemoOrg> orgs, List<DemoContent.OrgContent> content) {
      this(baseUrl, orgs, content, List.of(), List.of());
    }

    public DemoCredentials(
        String baseUrl,
        List<DemoOrg> orgs,
        List<DemoContent.OrgContent> content,
        List<DemoFlows.OrgFlows> flows) {
      this(baseUrl, orgs, content, flows, List.of());
    }
  }

  private final IdentityService identity;
  private final DemoContent content;
  private final DemoIntegrations integrations;
  private final DemoFlows flows;
  private final JsonMapper mapper = JsonMapper.builder().build();

  public DemoSetup(IdentityService identity) {
    this(identity, null, null);
  }

  /**
   * With {@code content}, each demo org also gets agents, wrap-up codes, a script and a live call.
   */
  public DemoSetup(IdentityService identity, DemoContent content) {
    this(identity, content, null);
  }

  /** With {@code integrations}, each demo org also gets the demo credential and external APIs. */
  public DemoSetup(IdentityService identity, DemoIntegrations integrations) {
    this(identity, null, integrations);
  }

  /** Everything {@code serve --demo} sets up; either part may be null. */
  public DemoSetup(IdentityService identity, DemoContent content, DemoIntegrations integrations) {
    this(identity, content, integrations, null);
  }

  /** With {@code flows} (which needs {@code integrations}), the demo flows too. */
  public DemoSetup(
      IdentityService identity,
      DemoContent content,
      DemoIntegrations integrations,
      DemoFlows flows) {
    if (flows != null && integrations == null)
      throw new IllegalArgumentException("the demo flows use the demo integrations");
    this.identity = identity;
    this.content = content;
    this.integrations = integrations;
    this.flows = flows;
  }

  public DemoCredentials ensure(String baseUrl, Path dataDir) throws IOException {
    Path file = dataDir.resolve(CREDENTIALS_FILE);
    Map<String, DemoOrg> previous = readPrevious(file);
    var orgs = new ArrayList<DemoOrg>();
    for (String name : ORG_NAMES) {
      Optional<Org> existing = identity.findOrgByName(name);
      if (existing.isEmpty()) {
        var created = identity.createOrg(name);
        orgs.add(
            new DemoOrg(
                name, created.org().id(), created.admin().client().id(), created.admin().secret()));
        continue;
      }
      Org org = existing.get();
      DemoOrg remembered = previous.get(name);
      if (remembered != null
          && remembered.orgId().equals(org.id())
          && clientStillValid(remembered)) {
        orgs.add(remembered);
      } else {
        var admin =
            new Principal(org.id(), "demo-setup", IdentityService.allScopes(), "demo-setup", null);
        var client =
            identity.createClient(
                admin,
                new IdentityService.NewClient(
                    "demo admin", "All-scopes demo client", null, IdentityService.allScopes()));
        orgs.add(new DemoOrg(name, org.id(), client.client().id(), client.secret()));
      }
    }
    var contents = new ArrayList<DemoContent.OrgContent>();
    var pages = new ArrayList<DemoPages.OrgPages>();
    if (content != null) {
      for (DemoOrg org : orgs) contents.add(content.ensure(org.name(), org.orgId()));
      Map<String, String> passwords = previousPasswords(file);
      DemoPages demoPages = content.pages(identity);
      for (int i = 0; i < orgs.size(); i++)
        pages.add(
            demoPages.ensure(
                orgs.get(i).name(),
                orgs.get(i).orgId(),
                baseUrl,
                contents.get(i).agents(),
                passwords));
    }
    if (integrations != null) {
      for (DemoOrg org : orgs) integrations.ensure(org.orgId(), baseUrl);
    }
    var orgFlows = new ArrayList<DemoFlows.OrgFlows>();
    if (flows != null) {
      for (DemoOrg org : orgs) orgFlows.add(flows.ensure(org.orgId(), baseUrl));
    }
    var credentials = new DemoCredentials(baseUrl, orgs, contents, orgFlows, pages);
    OwnerOnlyFile.write(
        file, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(credentials));
    return credentials;
  }

  private boolean clientStillValid(DemoOrg org) {
    return identity
        .authenticateClient(org.clientId(), org.clientSecret())
        .filter(c -> c.orgId().equals(org.orgId()))
        .isPresent();
  }

  private Map<String, DemoOrg> readPrevious(Path file) {
    var byName = new LinkedHashMap<String, DemoOrg>();
    if (!Files.isRegularFile(file)) return byName;
    try {
      JsonNode root = mapper.readTree(file.toFile());
      for (JsonNode o : root.path("orgs")) {
        var org =
            new DemoOrg(
                o.path("name").asString(),
                o.path("orgId").asString(),
                o.path("clientId").asString(),
                o.path("clientSecret").asString());
        byName.put(org.name(), org);
      }
    } catch (RuntimeException e) {
      // A damaged file is replaced below with fresh credentials.
    }
    return byName;
  }

  /** The users' passwords of the last start, by user name (empty when there is no file). */
  private Map<String, String> previousPasswords(Path file) {
    var byUsername = new LinkedHashMap<String, String>();
    if (!Files.isRegularFile(file)) return byUsername;
    try {
      for (JsonNode org : mapper.readTree(file.toFile()).path("pages"))
        for (JsonNode u : org.path("users"))
          if (u.path("username").isString() && u.path("password").isString())
            byUsername.put(u.path("username").asString(), u.path("password").asString());
    } catch (RuntimeException e) {
      // A damaged file: new passwords are made.
    }
    return byUsername;
  }

  /** Where each org's pages are and who can sign in to them. */
  public static String pagesGuide(DemoCredentials credentials) {
    var sb = new StringBuilder();
    for (DemoPages.OrgPages p : credentials.pages()) {
      sb.append("Pages of ").append(p.org()).append(" (sign in with a user below):\n");
      sb.append("  agent panel   ").append(p.agentUrl()).append('\n');
      sb.append("  console       ").append(p.consoleUrl()).append('\n');
      for (DemoPages.PageUser u : p.users())
        sb.append(
            String.format(
                "  %-6s %-14s %-24s %s%n", u.role(), u.name(), u.username(), u.password()));
    }
    return sb.toString();
  }

  /**
   * How to open each org's demo content: the URLs of the script, the call and the session, and a
   * wrap-up.
   */
  public static String contentGuide(DemoCredentials credentials) {
    var sb = new StringBuilder();
    String base = credentials.baseUrl();
    for (DemoContent.OrgContent c : credentials.content()) {
      sb.append("Demo content of ").append(c.org()).append(" (with that org's token):\n");
      sb.append("  published script  GET  ")
          .append(base)
          .append("/api/v2/scripts/published/")
          .append(c.scriptId())
          .append('\n');
      sb.append("  active session    GET  ")
          .append(base)
          .append("/api/v2/agent-scripting/sessions/")
          .append(c.sessionId())
          .append("/render\n");
      sb.append("  conversation      GET  ")
          .append(base)
          .append("/api/v2/conversations/")
          .append(c.conversationId())
          .append('\n');
      sb.append("  agents            ");
      sb.append(String.join(", ", c.agents().stream().map(a -> a.name() + " " + a.id()).toList()))
          .append('\n');
      sb.append("  wrap-up codes     ");
      sb.append(
              String.join(
                  ", ", c.wrapupCodes().stream().map(w -> w.name() + " " + w.id()).toList()))
          .append('\n');
      sb.append("  end the call      POST ")
          .append(base)
          .append("/api/v2/conversations/")
          .append(c.conversationId())
          .append("/disconnect\n");
      sb.append("  then wrap it up   POST ")
          .append(base)
          .append("/api/v2/integrations/scripting/interactions/")
          .append(c.conversationId())
          .append("/wrapup\n");
      sb.append("                    {\"agentId\":\"")
          .append(c.agents().get(0).id())
          .append("\",\"code\":\"")
          .append(c.wrapupCodes().get(0).id())
          .append("\"}\n");
    }
    return sb.toString();
  }

  /**
   * How to run the first org's demo flows: a call placed on each demo IVR's number, and how to read
   * the call's flow execution (routing, screen pop) and its trace.
   */
  public static String flowGuide(DemoCredentials credentials) {
    if (credentials.flows().isEmpty()) return "";
    String base = credentials.baseUrl();
    String auth = "curl -s -H \"Authorization: Bearer $TOKEN\" ";
    return "Call the demo IVR \""
        + DemoRouting.IVR_NAME
        + "\" on "
        + DemoRouting.DNIS
        + ": its flow \""
        + DemoFlows.FLOW_NAME
        + "\" looks the caller's tier up in the CRM,\n"
        + "reads the tier's script (cached) from this server's API and queues the call for an agent"
        + " with the script as screen pop\n"
        + "(\""
        + DemoRouting.NAIVE_IVR_NAME
        + "\" on "
        + DemoRouting.NAIVE_DNIS
        + " runs \""
        + DemoFlows.NAIVE_FLOW_NAME
        + "\", without the cache):\n"
        + "  CALL=$("
        + auth
        + "-H 'Content-Type: application/json' -d '{\"from\":\"+6591234567\",\"to\":\""
        + DemoRouting.DNIS
        + "\"}' "
        + base
        + "/api/v2/conversations/calls | sed -E 's/^[^\"]*\"id\":\"([^\"]+)\".*/\\1/')\n"
        + "  "
        + auth
        + base
        + "/api/v2/conversations/$CALL/flowexecutions   # routing: queue, agent, screen-pop"
        + " session\n"
        + "  EXEC=$("
        + auth
        + base
        + "/api/v2/conversations/$CALL/flowexecutions | sed -E"
        + " 's/.*\"entities\":\\[\\{\"id\":\"([^\"]+)\".*/\\1/')\n"
        + "  "
        + auth
        + base
        + "/api/v2/flows/executions/$EXEC     # outcome, trace, the chosen script\n"
        + "  "
        + auth
        + base
        + "/api/v2/agent-scripting/sessions?conversationId=$CALL   # the agent's screen pop\n"
        + "  ./switchboard load burst --through-flow --local   # 500 calls on each IVR: naive vs"
        + " resilient flow\n";
  }

  public static String table(DemoCredentials credentials) {
    var sb = new StringBuilder();
    sb.append(
        String.format("%-8s %-36s %-36s %s%n", "ORG", "ORG ID", "CLIENT ID", "CLIENT SECRET"));
    for (DemoOrg o : credentials.orgs()) {
      sb.append(
          String.format(
              "%-8s %-36s %-36s %s%n", o.name(), o.orgId(), o.clientId(), o.clientSecret()));
    }
    return sb.toString();
  }
}
