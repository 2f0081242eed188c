package io.switchboard.server;

import io.javalin.router.Endpoint;
import io.switchboard.server.apidocs.ApiDocsRoutes;
import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import io.switchboard.server.conversations.ConversationRoutes;
import io.switchboard.server.conversations.ConversationService;
import io.switchboard.server.conversations.ConversationStore;
import io.switchboard.server.conversations.WrapupCodeService;
import io.switchboard.server.conversations.WrapupCodeStore;
import io.switchboard.server.conversations.WrapupCodesRoutes;
import io.switchboard.server.conversations.WrapupRoutes;
import io.switchboard.server.conversations.WrapupService;
import io.switchboard.server.credentials.CredentialKeys;
import io.switchboard.server.credentials.CredentialRoutes;
import io.switchboard.server.credentials.CredentialService;
import io.switchboard.server.credentials.CredentialStore;
import io.switchboard.server.credentials.CredentialUsage;
import io.switchboard.server.credentials.ServerSecrets;
import io.switchboard.server.demo.DemoCrmRoutes;
import io.switchboard.server.externalapis.CircuitBreakers;
import io.switchboard.server.externalapis.Egress;
import io.switchboard.server.externalapis.ExternalApiEngine;
import io.switchboard.server.externalapis.ExternalApiRoutes;
import io.switchboard.server.externalapis.ExternalApiService;
import io.switchboard.server.externalapis.ExternalApiStore;
import io.switchboard.server.externalapis.OutboundExchange;
import io.switchboard.server.externalapis.OutboundHttp;
import io.switchboard.server.externalapis.ResponseMapper;
import io.switchboard.server.faults.Faults;
import io.switchboard.server.faults.UpstreamFaults;
import io.switchboard.server.flows.FlowExecutions;
import io.switchboard.server.flows.FlowMetrics;
import io.switchboard.server.flows.FlowReferences;
import io.switchboard.server.flows.FlowRoutes;
import io.switchboard.server.flows.FlowService;
import io.switchboard.server.flows.FlowStore;
import io.switchboard.server.flows.definition.Expressions;
import io.switchboard.server.flows.definition.FlowCompiler;
import io.switchboard.server.flows.runtime.CallDataCache;
import io.switchboard.server.flows.runtime.FlowRuntime;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.ContinuationTokens;
import io.switchboard.server.http.HttpConfig;
import io.switchboard.server.http.HttpServer;
import io.switchboard.server.http.Json;
import io.switchboard.server.http.RequestBodies;
import io.switchboard.server.idempotency.Idempotency;
import io.switchboard.server.idempotency.IdempotencyStore;
import io.switchboard.server.identity.AuthorizationRoutes;
import io.switchboard.server.identity.IdentityRoutes;
import io.switchboard.server.identity.IdentityService;
import io.switchboard.server.identity.IdentityStore;
import io.switchboard.server.identity.Passwords;
import io.switchboard.server.identity.RevocationList;
import io.switchboard.server.identity.RoleService;
import io.switchboard.server.identity.RoleStore;
import io.switchboard.server.identity.SecretHasher;
import io.switchboard.server.identity.SignInRoutes;
import io.switchboard.server.identity.SignInService;
import io.switchboard.server.identity.TokenService;
import io.switchboard.server.identity.TokenThrottle;
import io.switchboard.server.identity.UserAccounts;
import io.switchboard.server.integrations.DataActionRoutes;
import io.switchboard.server.integrations.DataActionRunner;
import io.switchboard.server.integrations.DataActionService;
import io.switchboard.server.integrations.DataActionStore;
import io.switchboard.server.integrations.IntegrationRoutes;
import io.switchboard.server.integrations.IntegrationService;
import io.switchboard.server.integrations.IntegrationStore;
import io.switchboard.server.integrations.JsonSchemas;
import io.switchboard.server.integrations.Templates;
import io.switchboard.server.integrations.Translation;
import io.switchboard.server.notifications.ChannelStore;
import io.switchboard.server.notifications.NotificationRoutes;
import io.switchboard.server.notifications.NotificationService;
import io.switchboard.server.notifications.NotificationsConfig;
import io.switchboard.server.notifications.Topics;
import io.switchboard.server.ops.OpsRoutes;
import io.switchboard.server.ops.RequestMetrics;
import io.switchboard.server.pages.PagesRoutes;
import io.switchboard.server.ratelimit.LimitService;
import io.switchboard.server.ratelimit.LimitStore;
import io.switchboard.server.ratelimit.LimitsRoutes;
import io.switchboard.server.ratelimit.RateLimitConfig;
import io.switchboard.server.ratelimit.RateLimitGate;
import io.switchboard.server.ratelimit.RateLimiter;
import io.switchboard.server.routing.Acd;
import io.switchboard.server.routing.AcdSignals;
import io.switchboard.server.routing.AgentStatusStore;
import io.switchboard.server.routing.CallStore;
import io.switchboard.server.routing.FlowQueueUsage;
import io.switchboard.server.routing.InboundCalls;
import io.switchboard.server.routing.IvrRoutes;
import io.switchboard.server.routing.IvrService;
import io.switchboard.server.routing.IvrStore;
import io.switchboard.server.routing.QueueObservationRoutes;
import io.switchboard.server.routing.QueueService;
import io.switchboard.server.routing.QueueStore;
import io.switchboard.server.routing.QueuedCallLeaves;
import io.switchboard.server.routing.RoutingRoutes;
import io.switchboard.server.routing.WrapupReturnsToIdle;
import io.switchboard.server.scripts.ScriptRoutes;
import io.switchboard.server.scripts.ScriptService;
import io.switchboard.server.scripts.ScriptStore;
import io.switchboard.server.sessions.SessionRoutes;
import io.switchboard.server.sessions.SessionService;
import io.switchboard.server.sessions.SessionStore;
import io.switchboard.server.storage.Database;
import io.switchboard.server.storage.StorageConfig;
import io.switchboard.server.users.UserService;
import io.switchboard.server.users.UserStore;
import io.switchboard.server.users.UsersRoutes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The composition root: builds every service by constructor and registers every route. Reading
 * {@link #start} tells you the whole system.
 */
public final class Switchboard implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Switchboard.class);
  public static final String VERSION = versionFromManifest();

  private final Database database;
  private final RevocationList revocations;
  private final RequestMetrics metrics;
  private final HttpServer http;
  private final IdentityService identity;
  private final Features features;
  private final Integrations integrations;
  private final String baseUrl;
  private final List<AutoCloseable> closeables;
  private final AtomicBoolean ready;
  private final FlowExecutions flowExecutions;

  private final FlowService flows;

  private Switchboard(
      Database database,
      RevocationList revocations,
      RequestMetrics metrics,
      HttpServer http,
      IdentityService identity,
      Features features,
      Integrations integrations,
      String baseUrl,
      List<AutoCloseable> closeables,
      AtomicBoolean ready,
      FlowExecutions flowExecutions,
      FlowService flows) {
    this.flowExecutions = flowExecutions;
    this.ready = ready;
    this.flows = flows;
    this.database = database;
    this.revocations = revocations;
    this.metrics = metrics;
    this.http = http;
    this.identity = identity;
    this.features = features;
    this.integrations = integrations;
    this.baseUrl = baseUrl;
    this.closeables = closeables;
  }

  /** The domain services, for setup that runs in-process (the demo data). */
  public record Features(
      UserService users,
      WrapupCodeService wrapupCodes,
      ConversationService conversations,
      WrapupService wrapups,
      ScriptService scripts,
      SessionService sessions,
      Routing routing) {}

  /** Queues, agents' routing status (through the ACD) and IVRs. */
  public record Routing(QueueService queues, Acd acd, IvrService ivrs) {}

  /** Stored credentials and external APIs with their outbound engine. */
  public record Integrations(
      CredentialService credentials,
      ExternalApiService externalApis,
      ExternalApiEngine engine,
      DataActionService dataActions,
      List<ApiRoutes> routes) {}

  /** Opens storage (migrating it), wires every feature and starts listening. */
  public static Switchboard start(Settings settings) {
    return start(settings, StorageConfig.from(settings), Clock.systemUTC());
  }

  public static Switchboard start(Settings settings, StorageConfig storage, Clock clock) {
    return start(settings, storage, clock, true);
  }

  /**
   * Starts listening with {@code /health} answering 503 {@code "STARTING"} until {@link
   * #markReady()}: for a caller that still writes content before it announces the server ({@code
   * serve --demo}).
   */
  public static Switchboard startNotReady(Settings settings) {
    return start(settings, StorageConfig.from(settings), Clock.systemUTC(), false);
  }

  private static Switchboard start(
      Settings settings, StorageConfig storage, Clock clock, boolean readyAtOnce) {
    var ready = new AtomicBoolean(readyAtOnce);
    HttpConfig httpConfig = HttpConfig.from(settings);
    secureDataDirectory(storage);
    Database database = Database.open(storage);
    var closeables = new ArrayList<AutoCloseable>();
    try {
      JsonMapper mapper = Json.newMapper();
      var bodies = new RequestBodies(mapper, httpConfig.maxBodyBytes());
      var metrics = new RequestMetrics(settings.bool(SettingKeys.METRICS_PER_ORG));

      var revocations = new RevocationList(new IdentityStore(database.jdbi()), clock);
      closeables.add(revocations);
      var credentialStore = new CredentialStore(database.jdbi(), mapper);
      var secrets = serverSecrets(settings, database, credentialStore, clock);
      var passwords = new Passwords(10);
      var users = new UserService(new UserStore(database.jdbi()), passwords, clock);
      var tokens = tokenService(database, secrets, revocations, users, clock);
      var roles = new RoleService(new RoleStore(database.jdbi()), clock);
      var identity = identityService(settings, database, tokens, roles, clock);
      // Fault injection (issue 13): a gate on the request path, a decorator on outbound calls.
      var faults = Faults.create(database.jdbi(), mapper, bodies, clock, metrics.registry());
      closeables.add(faults.active());
      // Topic checks look features up late (they are built below); events go out after commit.
      var topics = new Topics();
      var notifications =
          new NotificationService(
              new ChannelStore(database.jdbi()),
              topics,
              NotificationsConfig.from(settings),
              mapper,
              database.jdbi(),
              clock,
              database.dialect() == Database.Dialect.POSTGRES);
      closeables.add(notifications);
      // Flows record what their published versions use; deleting a used data action or script is
      // refused.
      var flowStore = new FlowStore(database.jdbi());
      var integrations =
          integrations(
              settings,
              flowStore,
              database,
              mapper,
              bodies,
              tokens,
              credentialStore,
              secrets,
              faults.upstream(),
              clock,
              closeables,
              notifications);

      var limitsConfig = RateLimitConfig.from(settings);
      var limits = new LimitService(new LimitStore(database.jdbi()), limitsConfig, clock);
      var limiter = RateLimiter.create(limits, limitsConfig, clock, metrics.registry());
      closeables.add(limiter);

      var idempotency =
          new Idempotency(
              new IdempotencyStore(database.jdbi()),
              bodies,
              clock,
              settings.seconds(SettingKeys.IDEMPOTENCY_RETENTION, 60, 604_800));
      var wrapupCodeStore = new WrapupCodeStore(database.jdbi());
      var wrapupCodes = new WrapupCodeService(wrapupCodeStore, clock);
      var conversationStore = new ConversationStore(database.jdbi(), mapper);
      var sessionStore = new SessionStore(database.jdbi(), database.directReads(), mapper);
      var agentStatuses = new AgentStatusStore(database.jdbi());
      var acdSignals = new AcdSignals();
      // A wrap-up completes the agent's script session and returns the agent to IDLE, in the same
      // transaction.
      var wrapups =
          new WrapupService(
              conversationStore,
              wrapupCodeStore,
              List.of(
                  io.switchboard.server.sessions.SessionCompletion.hook(
                      sessionStore, notifications),
                  new WrapupReturnsToIdle(agentStatuses, acdSignals, notifications)),
              clock,
              settings.seconds(SettingKeys.WRAPUP_WINDOW, 1, 604_800),
              notifications);
      var callStore = new CallStore(database.jdbi());
      // A customer leaving a queued call takes it out of its queue, in the same transaction.
      var conversations =
          new ConversationService(
              conversationStore,
              users,
              wrapups,
              clock,
              notifications,
              List.of(new QueuedCallLeaves(callStore)));
      var scripts =
          new ScriptService(
              new ScriptStore(database.jdbi(), database.directReads(), mapper),
              clock,
              flowStore::flowsUsingScript,
              notifications,
              settings.seconds(SettingKeys.SCRIPTS_SERVED_REFRESH, 1, 3600));
      long maxSessionData = settings.bytes(SettingKeys.SESSION_MAX_DATA);
      if (maxSessionData > 1_048_576)
        throw new io.switchboard.server.config.ConfigException(
            "config key " + SettingKeys.SESSION_MAX_DATA + " must be at most 1MiB");
      var sessions =
          new SessionService(
              sessionStore,
              scripts,
              conversations,
              users,
              mapper,
              clock,
              maxSessionData,
              notifications,
              sessionWriteLanes(settings, database.dialect()));
      var queueStore = new QueueStore(database.jdbi());
      var ivrStore = new IvrStore(database.jdbi());
      registerTopics(topics, users, conversationStore, sessionStore, queueStore);
      var flowParts =
          flows(
              settings,
              flowStore,
              ivrStore::namesUsingFlow,
              mapper,
              bodies,
              integrations,
              scripts,
              queueStore,
              metrics.registry(),
              clock,
              closeables,
              notifications,
              topics,
              idempotency);
      var acd =
          new Acd(
              database.jdbi(),
              agentStatuses,
              callStore,
              conversationStore,
              users,
              sessions,
              acdSignals,
              mapper,
              clock,
              Acd.SWEEP_EVERY,
              notifications,
              settings.bool(SettingKeys.AGENT_ANSWERS));
      closeables.add(acd);
      var inboundCalls =
          new InboundCalls(
              database.jdbi(),
              ivrStore,
              callStore,
              queueStore,
              conversations,
              flowParts.service(),
              flowParts.executions(),
              acd,
              clock);
      var queueUsage = new FlowQueueUsage(flowParts.service());
      var queues =
          new QueueService(queueStore, callStore, users, queueUsage::publishedFlowUsing, clock);
      var ivrs = new IvrService(ivrStore, flowParts.service(), clock);
      var features =
          new Features(
              users,
              wrapupCodes,
              conversations,
              wrapups,
              scripts,
              sessions,
              new Routing(queues, acd, ivrs));
      // Failed sign-ins have buckets of their own (per user and per address), with the token
      // endpoint's limits.
      var throttleLimits =
          new TokenThrottle.Limits(
              settings.integer(SettingKeys.TOKEN_FAILURES_PER_MINUTE, 0, 1_000_000),
              settings.integer(SettingKeys.TOKEN_ATTEMPTS_PER_MINUTE, 0, 1_000_000));
      var signIn =
          new SignInService(
              identity,
              new IdentityStore(database.jdbi()),
              users,
              passwords,
              new TokenThrottle(throttleLimits),
              clock);
      var routes =
          new ArrayList<ApiRoutes>(
              List.of(
                  new OpsRoutes(
                      database,
                      metrics,
                      VERSION,
                      ready::get,
                      settings.optional(SettingKeys.METRICS_TOKEN).orElse(null)),
                  // Javalin finds a request's route by trying every route of its method in this
                  // order, a regular expression each: the hottest reads (published scripts,
                  // sessions) come first. No other feature's paths overlap theirs.
                  new ScriptRoutes(scripts, bodies),
                  new SessionRoutes(sessions, bodies, idempotency),
                  new IdentityRoutes(identity, bodies, new TokenThrottle(throttleLimits), signIn),
                  new SignInRoutes(signIn),
                  new AuthorizationRoutes(roles, users, bodies),
                  new UsersRoutes(users, roles, bodies, tokens::forgetUser),
                  new WrapupCodesRoutes(wrapupCodes, bodies),
                  new ConversationRoutes(
                      conversations,
                      bodies,
                      idempotency,
                      inboundCalls,
                      (org, queue) -> queueStore.find(org, queue).isPresent()),
                  new WrapupRoutes(wrapups, bodies, idempotency),
                  new LimitsRoutes(limits, limiter, bodies),
                  new NotificationRoutes(notifications, bodies, httpConfig.publicUrl())));
      routes.addAll(integrations.routes());
      routes.add(flowParts.routes());
      routes.add(new RoutingRoutes(queues, acd, agentStatuses, users, conversationStore, bodies));
      routes.add(new QueueObservationRoutes(queues, callStore, bodies));
      routes.add(new IvrRoutes(ivrs, callStore, flowParts.executions(), conversations, bodies));
      routes.add(faults.routes());
      var endpoints = new AtomicReference<Supplier<List<Endpoint>>>(List::of);
      routes.add(new ApiDocsRoutes(VERSION, () -> endpoints.get().get()));
      routes.add(new PagesRoutes());
      var http =
          new HttpServer(
              httpConfig,
              bodies,
              tokens,
              List.of(new RateLimitGate(limiter), faults.gate()),
              metrics,
              routes);
      endpoints.set(http::endpoints);
      http.start();
      String baseUrl =
          httpConfig.publicUrl() != null
              ? httpConfig.publicUrl()
              : "http://" + displayHost(httpConfig.host()) + ":" + http.port();
      log.info("Switchboard {} listening on {} ({})", VERSION, baseUrl, database.dialect());
      return new Switchboard(
          database,
          revocations,
          metrics,
          http,
          identity,
          features,
          integrations,
          baseUrl,
          closeables,
          ready,
          flowParts.executions(),
          flowParts.service());
    } catch (RuntimeException e) {
      closeAll(closeables);
      database.close();
      throw e;
    }
  }

  /** Flow executions, for in-process measurement ({@code FlowConcurrencyBenchmark}). */
  public FlowExecutions flowExecutions() {
    return flowExecutions;
  }

  public String baseUrl() {
    return baseUrl;
  }

  /**
   * Ends the start-up of {@link #startNotReady}: {@code /health} answers 200 from now on (when the
   * database is up).
   */
  public void markReady() {
    ready.set(true);
  }

  public int port() {
    return http.port();
  }

  /** Every registered route as {@code "METHOD /path/{param}"}. */
  public List<String> routes() {
    return http.routes();
  }

  /** The HTTPS port, or -1 when HTTPS is not configured. */
  /**
   * Where the routes answered otherwise than their {@link io.switchboard.server.http.Doc} says (the
   * API reference would be wrong): empty when it is true for what was asked so far.
   */
  public List<String> docMismatches() {
    return http.docMismatches();
  }

  public int tlsPort() {
    return http.tlsPort();
  }

  public IdentityService identity() {
    return identity;
  }

  public Database database() {
    return database;
  }

  public Features features() {
    return features;
  }

  public CredentialService credentials() {
    return integrations.credentials();
  }

  public ExternalApiService externalApis() {
    return integrations.externalApis();
  }

  /** Flows and their versions, for setup that runs in-process (the demo flows). */
  public FlowService flows() {
    return flows;
  }

  /**
   * Stops accepting, lets in-flight requests finish (within the grace period), then closes the
   * database.
   */
  @Override
  public void close() {
    http.stop();
    closeAll(closeables);
    metrics.close();
    database.close();
  }

  /**
   * The identity services without an HTTP server, for offline administration ({@code org create})
   * against the same data directory or database.
   */
  public static Offline offline(Settings settings) {
    Clock clock = Clock.systemUTC();
    Database database = Database.open(StorageConfig.from(settings));
    RevocationList revocations = null;
    try {
      revocations = new RevocationList(new IdentityStore(database.jdbi()), clock);
      var secrets =
          serverSecrets(
              settings, database, new CredentialStore(database.jdbi(), Json.newMapper()), clock);
      var users = new UserService(new UserStore(database.jdbi()), new Passwords(10), clock);
      var identity =
          identityService(
              settings,
              database,
              tokenService(database, secrets, revocations, users, clock),
              new RoleService(new RoleStore(database.jdbi()), clock),
              clock);
      return new Offline(database, revocations, identity);
    } catch (RuntimeException e) {
      // A wrong credentials key fails here: its poller must not outlive the database.
      if (revocations != null) revocations.close();
      database.close();
      throw e;
    }
  }

  /** Storage and identity, opened without listening; close it to release the database. */
  public record Offline(Database database, RevocationList revocations, IdentityService identity)
      implements AutoCloseable {
    @Override
    public void close() {
      revocations.close();
      database.close();
    }
  }

  /**
   * The credentials key and the server secrets it seals. Fails start-up clearly when stored
   * credentials or server secrets exist and their key is missing or wrong.
   */
  private static ServerSecrets serverSecrets(
      Settings settings, Database database, CredentialStore credentialStore, Clock clock) {
    var box =
        CredentialKeys.forServer(
            settings, credentialStore, ServerSecrets.countByKeyId(database.jdbi()));
    return new ServerSecrets(database.jdbi(), box, clock);
  }

  private static TokenService tokenService(
      Database database,
      ServerSecrets secrets,
      RevocationList revocations,
      UserAccounts users,
      Clock clock) {
    // One key for every node of a cluster: the first node to start creates it in the shared
    // database.
    byte[] signingKey = secrets.key(ServerSecrets.TOKEN_SIGNING_KEY);
    return new TokenService(
        signingKey, clock, new IdentityStore(database.jdbi()), revocations, users);
  }

  /**
   * {@code sessions.write-lanes}; {@code auto}: group commit across sessions (4 lanes) where a
   * commit waits for the disk (PostgreSQL), none on H2, whose commit writes to the file without
   * waiting for it: there the lanes only serialized the writers (bench/sessions.sh, 1,000 cold
   * sessions: 3,214 req/s with 4 lanes, 7,642 with none).
   */
  static int sessionWriteLanes(Settings settings, Database.Dialect dialect) {
    if (settings.string(SettingKeys.SESSION_WRITE_LANES).trim().equalsIgnoreCase("auto"))
      return dialect == Database.Dialect.POSTGRES ? SessionService.GROUP_COMMIT_LANES : 0;
    return settings.integer(SettingKeys.SESSION_WRITE_LANES, 0, 64);
  }

  /** How stale a node's flows and external APIs may get when a cluster signal was lost. */
  private static java.time.Duration definitionsRefresh(Settings settings) {
    return settings.seconds(SettingKeys.DEFINITIONS_REFRESH, 1, 3600);
  }

  private static Integrations integrations(
      Settings settings,
      FlowStore flowStore,
      Database database,
      JsonMapper mapper,
      RequestBodies bodies,
      TokenService tokens,
      CredentialStore credentialStore,
      ServerSecrets secrets,
      UpstreamFaults upstreamFaults,
      Clock clock,
      List<AutoCloseable> closeables,
      io.switchboard.server.notifications.ClusterSignals signals) {
    var box = secrets.box();
    var apiStore = new ExternalApiStore(database.jdbi(), mapper);
    var integrationStore = new IntegrationStore(database.jdbi());
    // Deleting a credential is refused while an external API or an integration refers to it.
    CredentialUsage usage =
        (org, id) -> {
          var users = new ArrayList<>(apiStore.usersOf(org, id));
          users.addAll(integrationStore.usersOf(org, id));
          return users;
        };
    var credentials = new CredentialService(credentialStore, box, usage, mapper, clock);
    var outbound =
        new OutboundHttp(
            settings.integer(SettingKeys.EXTERNAL_MAX_CONCURRENT, 1, 100_000),
            (int)
                Math.min(Integer.MAX_VALUE - 8, settings.bytes(SettingKeys.EXTERNAL_MAX_RESPONSE)),
            Egress.from(settings));
    closeables.add(outbound);
    var engine =
        new ExternalApiEngine(
            outbound,
            upstreamFaults.wrap(OutboundExchange.direct(outbound)),
            credentials::resolve,
            new CircuitBreakers(CircuitBreakers.Config.from(settings)),
            new ResponseMapper(),
            mapper,
            clock);
    var externalApis =
        new ExternalApiService(
            apiStore,
            credentials,
            engine,
            mapper,
            clock,
            flowStore::flowsUsingExternalApi,
            signals,
            definitionsRefresh(settings));
    // Genesys-shaped integrations and data actions, run on the same engine.
    var integrationService =
        new IntegrationService(
            integrationStore, credentials, clock, flowStore::flowsUsingIntegration);
    var templates = new Templates(mapper);
    var schemas = new JsonSchemas();
    var dataActions =
        new DataActionService(
            new DataActionStore(database.jdbi(), mapper),
            integrationService,
            new DataActionRunner(
                engine, credentials::resolve, templates, new Translation(mapper), schemas, mapper),
            engine,
            templates,
            schemas,
            mapper,
            clock,
            flowStore::flowsUsingAction);
    byte[] pageKey = secrets.key(ServerSecrets.CONTINUATION_TOKEN_KEY);
    var routes =
        new ArrayList<ApiRoutes>(
            List.of(
                new CredentialRoutes(credentials, bodies),
                new ExternalApiRoutes(externalApis, bodies, new ContinuationTokens(pageKey)),
                // Before IntegrationRoutes: /integrations/actions is not an integration id.
                new DataActionRoutes(dataActions, bodies),
                new IntegrationRoutes(integrationService, credentials, bodies)));
    if (settings.bool(SettingKeys.DEMO_CRM)) routes.add(new DemoCrmRoutes(tokens, mapper));
    return new Integrations(credentials, externalApis, engine, dataActions, List.copyOf(routes));
  }

  /** The flow service, its executions and its routes. */
  private record FlowParts(FlowService service, FlowExecutions executions, FlowRoutes routes) {}

  /**
   * Flows run data actions through the external-API engine and name published scripts and queues.
   */
  private static FlowParts flows(
      Settings settings,
      FlowStore store,
      FlowService.Dependents dependents,
      JsonMapper mapper,
      RequestBodies bodies,
      Integrations integrations,
      ScriptService scripts,
      QueueStore queues,
      io.micrometer.core.instrument.MeterRegistry registry,
      Clock clock,
      List<AutoCloseable> closeables,
      NotificationService notifications,
      Topics topics,
      Idempotency idempotency) {
    var expressions = new Expressions(clock);
    // What callData names (external APIs and integration data actions), and how it runs them.
    var references =
        new FlowReferences(
            integrations.externalApis(),
            integrations.engine(),
            integrations.dataActions(),
            scripts,
            (org, name) ->
                queues.findByName(org, name).map(q -> new FlowCompiler.Ref(q.id(), q.name())));
    var flows =
        new FlowService(
            store,
            references,
            dependents,
            expressions,
            clock,
            settings.bytes(SettingKeys.FLOW_MAX_DEFINITION),
            notifications,
            definitionsRefresh(settings));
    var metrics = new FlowMetrics(registry);
    var runtime =
        new FlowRuntime(expressions, metrics.instrument(references), new CallDataCache(clock));
    int deadlineMs = settings.integer(SettingKeys.FLOW_DEADLINE, 100, 120_000);
    var executions =
        new FlowExecutions(
            flows,
            store,
            runtime,
            mapper,
            clock,
            java.time.Duration.ofMillis(deadlineMs),
            settings.seconds(SettingKeys.FLOW_EXECUTION_RETENTION, 60, 31_536_000),
            metrics,
            notifications);
    closeables.add(executions);
    topics.register(
        new Topics.Kind(
            "v2.flows.executions.",
            "",
            "One flow execution: announced when it has finished (status, outcome, outputs).",
            io.switchboard.server.identity.Scopes.ARCHITECT,
            Topics.objectSchema(
                "FlowExecution",
                java.util.Map.of(
                    "id",
                    "string",
                    "status",
                    "string",
                    "outcome",
                    "string",
                    "outputData",
                    "object")),
            (org, id) -> store.execution(org, id).isPresent()));
    return new FlowParts(flows, executions, new FlowRoutes(flows, executions, bodies, idempotency));
  }

  /**
   * The notification topics of the features that exist. The routing feature adds {@code
   * v2.routing.queues.{id}.conversations} the same way when queues exist.
   */
  private static void registerTopics(
      Topics topics,
      UserService users,
      ConversationStore conversations,
      SessionStore sessions,
      QueueStore queues) {
    var conversation =
        Topics.objectSchema(
            "Conversation",
            java.util.Map.of(
                "id", "string", "state", "string", "participants", "array", "startTime", "string"));
    topics.register(
        new Topics.Kind(
            "v2.routing.queues.",
            ".conversations",
            "A queue's calls: each call queued, and connected to an agent from the queue.",
            io.switchboard.server.identity.Scopes.ROUTING,
            conversation,
            (org, id) -> queues.find(org, id).isPresent()));
    topics
        .register(
            new Topics.Kind(
                "v2.users.",
                ".conversations",
                "The conversations of an agent: each change of a call, a participant or a wrap-up.",
                io.switchboard.server.identity.Scopes.CONVERSATIONS,
                conversation,
                (org, id) -> users.find(org, id).isPresent()))
        .register(
            new Topics.Kind(
                "v2.conversations.",
                "",
                "One conversation: creation, participant changes, disconnect, wrap-ups.",
                io.switchboard.server.identity.Scopes.CONVERSATIONS,
                conversation,
                conversations::exists))
        .register(
            new Topics.Kind(
                "v2.agent-scripting.sessions.",
                "",
                "One script session: its data and version after each committed write.",
                io.switchboard.server.identity.Scopes.SESSIONS,
                Topics.objectSchema(
                    "Session",
                    java.util.Map.of(
                        "id", "string", "version", "integer", "state", "string", "data", "object")),
                (org, id) -> sessions.find(org, id).isPresent()))
        .register(
            new Topics.Kind(
                "v2.users.",
                ".routingStatus",
                "An agent's routing status (published by the routing feature).",
                io.switchboard.server.identity.Scopes.ROUTING,
                Topics.objectSchema(
                    "RoutingStatus", java.util.Map.of("status", "string", "startTime", "string")),
                (org, id) -> users.find(org, id).isPresent()));
  }

  private static IdentityService identityService(
      Settings settings, Database database, TokenService tokens, RoleService roles, Clock clock) {
    int lifetime =
        settings.integer(
            SettingKeys.TOKEN_DEFAULT_LIFETIME,
            IdentityService.MIN_TOKEN_LIFETIME,
            IdentityService.MAX_TOKEN_LIFETIME);
    return new IdentityService(
        new IdentityStore(database.jdbi()), new SecretHasher(10), tokens, roles, clock, lifetime);
  }

  /**
   * Owner-only whatever the database: the directory also holds the key file, demo credentials and
   * server.json.
   */
  private static void secureDataDirectory(StorageConfig storage) {
    if (storage.dataDir() == null) return;
    try {
      io.switchboard.server.storage.OwnerOnlyFile.secureDirectory(storage.dataDir());
    } catch (java.io.IOException e) {
      throw new io.switchboard.server.config.ConfigException(
          "cannot create the data directory "
              + storage.dataDir().toAbsolutePath()
              + " owner-only: "
              + e.getMessage());
    }
  }

  private static void closeAll(List<AutoCloseable> closeables) {
    for (AutoCloseable c : closeables.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("error while closing {}: {}", c.getClass().getSimpleName(), e.getMessage());
      }
    }
  }

  private static String displayHost(String host) {
    return host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
  }

  private static String versionFromManifest() {
    String v = Switchboard.class.getPackage().getImplementationVersion();
    return v != null ? v : "dev";
  }
}
