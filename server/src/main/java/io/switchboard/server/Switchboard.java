package io.switchboard.server;

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
import io.switchboard.server.credentials.ServerSecrets;
import io.switchboard.server.demo.DemoCrmRoutes;
import io.switchboard.server.externalapis.CircuitBreakers;
import io.switchboard.server.externalapis.Egress;
import io.switchboard.server.externalapis.ExternalApiEngine;
import io.switchboard.server.externalapis.ExternalApiRoutes;
import io.switchboard.server.externalapis.ExternalApiService;
import io.switchboard.server.externalapis.ExternalApiStore;
import io.switchboard.server.externalapis.OutboundHttp;
import io.switchboard.server.externalapis.ResponseMapper;
import io.switchboard.server.flows.FlowExecutions;
import io.switchboard.server.flows.FlowReferences;
import io.switchboard.server.flows.FlowRoutes;
import io.switchboard.server.flows.FlowService;
import io.switchboard.server.flows.FlowStore;
import io.switchboard.server.flows.definition.Expressions;
import io.switchboard.server.flows.runtime.FlowRuntime;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.ContinuationTokens;
import io.switchboard.server.http.HttpConfig;
import io.switchboard.server.http.HttpServer;
import io.switchboard.server.http.Json;
import io.switchboard.server.http.RequestBodies;
import io.switchboard.server.idempotency.Idempotency;
import io.switchboard.server.idempotency.IdempotencyStore;
import io.switchboard.server.identity.IdentityRoutes;
import io.switchboard.server.identity.IdentityService;
import io.switchboard.server.identity.IdentityStore;
import io.switchboard.server.identity.RevocationList;
import io.switchboard.server.identity.SecretHasher;
import io.switchboard.server.identity.TokenService;
import io.switchboard.server.identity.TokenThrottle;
import io.switchboard.server.notifications.ChannelStore;
import io.switchboard.server.notifications.NotificationRoutes;
import io.switchboard.server.notifications.NotificationService;
import io.switchboard.server.notifications.NotificationsConfig;
import io.switchboard.server.notifications.Topics;
import io.switchboard.server.ops.OpsRoutes;
import io.switchboard.server.ops.RequestMetrics;
import io.switchboard.server.ratelimit.LimitService;
import io.switchboard.server.ratelimit.LimitStore;
import io.switchboard.server.ratelimit.LimitsRoutes;
import io.switchboard.server.ratelimit.RateLimitConfig;
import io.switchboard.server.ratelimit.RateLimitGate;
import io.switchboard.server.ratelimit.RateLimiter;
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
      AtomicBoolean ready) {
    this.ready = ready;
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
      SessionService sessions) {}

  /** Stored credentials and external APIs with their outbound engine. */
  public record Integrations(
      CredentialService credentials,
      ExternalApiService externalApis,
      ExternalApiEngine engine,
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
      var tokens = tokenService(database, secrets, revocations, clock);
      var identity = identityService(settings, database, tokens, clock);
      var integrations =
          integrations(
              settings,
              database,
              mapper,
              bodies,
              tokens,
              credentialStore,
              secrets,
              clock,
              closeables);

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
      var users = new UserService(new UserStore(database.jdbi()), clock);
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
      var wrapupCodeStore = new WrapupCodeStore(database.jdbi());
      var wrapupCodes = new WrapupCodeService(wrapupCodeStore, clock);
      var conversationStore = new ConversationStore(database.jdbi(), mapper);
      var sessionStore = new SessionStore(database.jdbi(), mapper);
      // A wrap-up completes the agent's script session in the same transaction.
      var wrapups =
          new WrapupService(
              conversationStore,
              wrapupCodeStore,
              List.of(
                  io.switchboard.server.sessions.SessionCompletion.hook(
                      sessionStore, notifications)),
              clock,
              settings.seconds(SettingKeys.WRAPUP_WINDOW, 1, 604_800),
              notifications);
      var conversations =
          new ConversationService(conversationStore, users, wrapups, clock, notifications);
      var scripts = new ScriptService(new ScriptStore(database.jdbi(), mapper), clock);
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
              notifications);
      registerTopics(topics, users, conversationStore, sessionStore);
      var features = new Features(users, wrapupCodes, conversations, wrapups, scripts, sessions);
      var routes =
          new ArrayList<ApiRoutes>(
              List.of(
                  new OpsRoutes(
                      database,
                      metrics,
                      VERSION,
                      ready::get,
                      settings.optional(SettingKeys.METRICS_TOKEN).orElse(null)),
                  new IdentityRoutes(
                      identity,
                      bodies,
                      new TokenThrottle(
                          new TokenThrottle.Limits(
                              settings.integer(SettingKeys.TOKEN_FAILURES_PER_MINUTE, 0, 1_000_000),
                              settings.integer(
                                  SettingKeys.TOKEN_ATTEMPTS_PER_MINUTE, 0, 1_000_000)))),
                  new UsersRoutes(users, bodies),
                  new WrapupCodesRoutes(wrapupCodes, bodies),
                  new ConversationRoutes(conversations, bodies, idempotency),
                  new WrapupRoutes(wrapups, bodies, idempotency),
                  new ScriptRoutes(scripts, bodies),
                  new SessionRoutes(sessions, bodies, idempotency),
                  new LimitsRoutes(limits, limiter, bodies),
                  new NotificationRoutes(notifications, bodies, httpConfig.publicUrl())));
      routes.addAll(integrations.routes());
      routes.add(
          flows(
              settings,
              database,
              mapper,
              bodies,
              integrations,
              scripts,
              clock,
              closeables,
              notifications,
              topics));
      var http =
          new HttpServer(
                  httpConfig, bodies, tokens, List.of(new RateLimitGate(limiter)), metrics, routes)
              .start();
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
          ready);
    } catch (RuntimeException e) {
      closeAll(closeables);
      database.close();
      throw e;
    }
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
    try {
      var revocations = new RevocationList(new IdentityStore(database.jdbi()), clock);
      var secrets =
          serverSecrets(
              settings, database, new CredentialStore(database.jdbi(), Json.newMapper()), clock);
      var identity =
          identityService(
              settings, database, tokenService(database, secrets, revocations, clock), clock);
      return new Offline(database, revocations, identity);
    } catch (RuntimeException e) {
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
      Database database, ServerSecrets secrets, RevocationList revocations, Clock clock) {
    // One key for every node of a cluster: the first node to start creates it in the shared
    // database.
    byte[] signingKey = secrets.key(ServerSecrets.TOKEN_SIGNING_KEY);
    return new TokenService(signingKey, clock, new IdentityStore(database.jdbi()), revocations);
  }

  private static Integrations integrations(
      Settings settings,
      Database database,
      JsonMapper mapper,
      RequestBodies bodies,
      TokenService tokens,
      CredentialStore credentialStore,
      ServerSecrets secrets,
      Clock clock,
      List<AutoCloseable> closeables) {
    var box = secrets.box();
    var apiStore = new ExternalApiStore(database.jdbi(), mapper);
    var credentials = new CredentialService(credentialStore, box, apiStore, mapper, clock);
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
            credentials::resolve,
            new CircuitBreakers(CircuitBreakers.Config.from(settings)),
            new ResponseMapper(),
            mapper,
            clock);
    var externalApis = new ExternalApiService(apiStore, credentials, engine, mapper, clock);
    byte[] pageKey = secrets.key(ServerSecrets.CONTINUATION_TOKEN_KEY);
    var routes =
        new ArrayList<ApiRoutes>(
            List.of(
                new CredentialRoutes(credentials, bodies),
                new ExternalApiRoutes(externalApis, bodies, new ContinuationTokens(pageKey))));
    if (settings.bool(SettingKeys.DEMO_CRM)) routes.add(new DemoCrmRoutes(tokens, mapper));
    return new Integrations(credentials, externalApis, engine, List.copyOf(routes));
  }

  /** Flows run data actions through the external-API engine and name published scripts. */
  private static FlowRoutes flows(
      Settings settings,
      Database database,
      JsonMapper mapper,
      RequestBodies bodies,
      Integrations integrations,
      ScriptService scripts,
      Clock clock,
      List<AutoCloseable> closeables,
      NotificationService notifications,
      Topics topics) {
    var store = new FlowStore(database.jdbi());
    var expressions = new Expressions(clock);
    var flows =
        new FlowService(
            store,
            new FlowReferences(integrations.externalApis(), scripts),
            expressions,
            clock,
            settings.bytes(SettingKeys.FLOW_MAX_DEFINITION));
    var externalApis = integrations.externalApis();
    var engine = integrations.engine();
    var runtime =
        new FlowRuntime(
            expressions,
            (orgId, apiId, inputs, budget) ->
                engine.execute(externalApis.get(orgId, apiId), inputs, budget));
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
    return new FlowRoutes(flows, executions, bodies);
  }

  /**
   * The notification topics of the features that exist. The routing feature adds {@code
   * v2.routing.queues.{id}.conversations} the same way when queues exist.
   */
  private static void registerTopics(
      Topics topics, UserService users, ConversationStore conversations, SessionStore sessions) {
    var conversation =
        Topics.objectSchema(
            "Conversation",
            java.util.Map.of(
                "id", "string", "state", "string", "participants", "array", "startTime", "string"));
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
      Settings settings, Database database, TokenService tokens, Clock clock) {
    int lifetime =
        settings.integer(
            SettingKeys.TOKEN_DEFAULT_LIFETIME,
            IdentityService.MIN_TOKEN_LIFETIME,
            IdentityService.MAX_TOKEN_LIFETIME);
    return new IdentityService(
        new IdentityStore(database.jdbi()), new SecretHasher(10), tokens, clock, lifetime);
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
