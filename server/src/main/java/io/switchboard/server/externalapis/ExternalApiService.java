package io.switchboard.server.externalapis;

import io.switchboard.server.credentials.CredentialService;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.notifications.ClusterSignals;
import io.switchboard.server.notifications.SignalledCache;
import io.switchboard.server.storage.SqlErrors;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * External APIs: validation, versioned writes and test runs. Every write is validated whole (a
 * patch is applied to the stored entity and the result validated), and every validation error names
 * the field and, for numbers, the allowed range.
 */
public final class ExternalApiService {
  public static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
  private static final List<String> METHOD_ORDER = List.of("GET", "POST", "PUT", "PATCH", "DELETE");
  static final int MAX_HEADERS = 50;
  static final int MAX_TEMPLATE_BYTES = 64 * 1024;
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");

  /**
   * Secrets belong in a credential (sealed, write-only), not in a header anyone with read access
   * can see.
   */
  private static final Set<String> SECRET_HEADERS =
      Set.of("authorization", "proxy-authorization", "cookie");

  private static final Set<String> RESTRICTED_HEADERS =
      Set.of(
          "host",
          "content-length",
          "connection",
          "expect",
          "upgrade",
          "transfer-encoding",
          "te",
          "trailer",
          "keep-alive");

  private final ExternalApiStore store;
  private final CredentialService credentials;
  private final ExternalApiEngine engine;
  private final JsonMapper mapper;
  private final Clock clock;
  private final ExternalApiUsage usage;

  public ExternalApiService(
      ExternalApiStore store,
      CredentialService credentials,
      ExternalApiEngine engine,
      JsonMapper mapper,
      Clock clock,
      ExternalApiUsage usage,
      ClusterSignals signals,
      java.time.Duration refresh) {
    this.usage = usage;
    // A node that drops a changed API also drops what its engine compiled and counted for it.
    this.running =
        new SignalledCache<>(
            CHANGED_TOPIC,
            signals,
            refresh,
            RUNNING_LIMIT,
            SignalledCache.byOrgAndId(store::find),
            key -> engine.forget(SignalledCache.idOf(key)));
    this.store = store;
    this.credentials = credentials;
    this.engine = engine;
    this.mapper = mapper;
    this.clock = clock;
  }

  public ExternalApi create(String orgId, ExternalApiInput in) {
    Instant now = clock.instant();
    ExternalApi api = validated(orgId, UUID.randomUUID().toString(), in, 1, now, now);
    savingCredentialReference(api, () -> store.insert(api));
    return api;
  }

  /** The API's circuit on this node; 404 for a missing or another org's API. */
  public String circuit(String orgId, String id) {
    get(orgId, id);
    return engine.circuitState(id);
  }

  public ExternalApi get(String orgId, String id) {
    return store.find(orgId, id).orElseThrow(() -> Problem.notFound("External API", id));
  }

  /**
   * As {@link #get}, for callers that run the API (every data action of every flow execution): from
   * memory, dropped on every node when the API changes ({@link SignalledCache}).
   */
  public ExternalApi getShared(String orgId, String id) {
    return running
        .get(SignalledCache.key(orgId, id))
        .orElseThrow(() -> Problem.notFound("External API", id));
  }

  /** The signal topic of a changed or deleted external API (key: org id/API id). */
  static final String CHANGED_TOPIC = "externalapis.changed";

  static final int RUNNING_LIMIT = 100_000;

  private final SignalledCache<java.util.Optional<ExternalApi>> running;

  public java.util.Optional<ExternalApi> findByName(String orgId, String name) {
    return store.findByName(orgId, name);
  }

  public List<ExternalApi> list(String orgId, int offset, int limit) {
    return store.list(orgId, offset, limit);
  }

  public long count(String orgId) {
    return store.count(orgId);
  }

  /** Up to {@code limit} APIs after {@code afterId} in id order, matching {@code filter}. */
  public List<ExternalApi> page(
      String orgId, String afterId, int limit, ExternalApiStore.Filter filter) {
    return store.page(orgId, afterId, limit, filter);
  }

  /**
   * Replaces every writable field; absent ones take their defaults. {@code expectedVersion} null
   * skips the check.
   */
  public ExternalApi replace(String orgId, String id, ExternalApiInput in, Long expectedVersion) {
    return write(orgId, id, expectedVersion, current -> in);
  }

  /**
   * Changes only the fields in {@code present} (a JSON null clears an optional field); the others
   * keep their stored values. With {@code expectedVersion} the write is strict (409 when stale);
   * without it, a concurrent write in between is simply re-read and the patch re-applied.
   */
  public ExternalApi patch(
      String orgId, String id, ExternalApiInput in, Set<String> present, Long expectedVersion) {
    return write(
        orgId,
        id,
        expectedVersion,
        current ->
            new ExternalApiInput(
                present.contains("name") ? in.name() : current.name(),
                present.contains("description") ? in.description() : current.description(),
                // A new url without a protocol brings its own scheme; the stored protocol would
                // only contradict it.
                present.contains("protocol")
                    ? in.protocol()
                    : present.contains("url") ? null : current.protocol(),
                present.contains("method") ? in.method() : current.method(),
                present.contains("url") ? in.url() : current.url(),
                present.contains("timeout")
                    ? requireForPatch("timeout", in.timeout())
                    : current.timeout(),
                present.contains("retry") ? requireForPatch("retry", in.retry()) : current.retry(),
                present.contains("headers") ? in.headers() : current.headers(),
                present.contains("credentialId") ? in.credentialId() : current.credentialId(),
                present.contains("requestTemplate")
                    ? in.requestTemplate()
                    : current.requestTemplate(),
                present.contains("responseMapping")
                    ? in.responseMapping()
                    : current.responseMapping(),
                null,
                null,
                null,
                null,
                null));
  }

  /**
   * Deletes the API unless the published version of a flow uses it (409 {@code
   * flow.reference.in.use}); a publish racing with this delete is decided by the foreign key of
   * {@code flow_references}.
   */
  public void delete(String orgId, String id) {
    get(orgId, id);
    usage.deleteUnlessUsed(
        orgId,
        id,
        "External API " + id,
        () -> store.delete(orgId, id),
        () -> Problem.notFound("External API", id));
    running.changed(SignalledCache.key(orgId, id));
  }

  /** Runs the API once with {@code inputs} and reports what happened. */
  public ExecutionReport test(String orgId, String id, JsonNode inputs) {
    return engine.execute(get(orgId, id), inputs);
  }

  /**
   * Runs a write whose credential was checked to exist just before; if it was deleted in between,
   * the foreign key refuses the write and the caller gets the same answer as if the check had seen
   * it gone.
   */
  private static <T> T savingCredentialReference(
      ExternalApi api, java.util.function.Supplier<T> write) {
    try {
      return write.get();
    } catch (RuntimeException e) {
      if (api.credentialId() != null && SqlErrors.isForeignKeyViolation(e)) {
        throw new Problem(
            Problem.Kind.INVALID,
            "invalid.value",
            "credentialId: no credential " + api.credentialId() + " in this organization",
            Map.of("field", "credentialId"));
      }
      throw e;
    }
  }

  private static void savingCredentialReference(ExternalApi api, Runnable write) {
    savingCredentialReference(
        api,
        () -> {
          write.run();
          return null;
        });
  }

  private ExternalApi write(
      String orgId,
      String id,
      Long expectedVersion,
      java.util.function.Function<ExternalApi, ExternalApiInput> change) {
    for (int attempt = 0; ; attempt++) {
      ExternalApi current = get(orgId, id);
      if (expectedVersion != null && expectedVersion != current.version())
        throw Problem.versionMismatch(current.version(), expectedVersion);
      ExternalApi next =
          validated(
              orgId,
              id,
              change.apply(current),
              current.version() + 1,
              current.createdAt(),
              clock.instant());
      if (savingCredentialReference(next, () -> store.update(next, current.version()))) {
        running.changed(SignalledCache.key(orgId, id));
        return next;
      }
      if (expectedVersion != null || attempt >= 5) {
        long now = get(orgId, id).version();
        throw Problem.versionMismatch(
            now, expectedVersion != null ? expectedVersion : current.version());
      }
    }
  }

  private static <T> T requireForPatch(String field, T value) {
    if (value == null)
      throw Problem.invalid(field, "cannot be null; leave it out to keep the current value");
    return value;
  }

  // ---- validation

  private ExternalApi validated(
      String orgId,
      String id,
      ExternalApiInput in,
      long version,
      Instant created,
      Instant modified) {
    String name = required("name", in.name(), 200).trim();
    if (in.description() != null && in.description().length() > 1000)
      throw Problem.invalid("description", "must be at most 1000 characters");
    String method = method(in.method());
    String url = url(required("url", in.url(), 2048).trim());
    String scheme = url.substring(0, url.indexOf(':')).toLowerCase(Locale.ROOT);
    String protocol = scheme;
    if (in.protocol() != null) {
      String p = in.protocol().trim().toLowerCase(Locale.ROOT);
      if (!p.equals("http") && !p.equals("https"))
        throw new Problem(
            Problem.Kind.INVALID,
            "invalid.value",
            "protocol must be http or https, got '" + in.protocol() + "'",
            Map.of("field", "protocol", "allowed", "http,https"));
      if (!p.equals(scheme))
        throw Problem.invalid("protocol", "is " + p + " but the url is " + scheme);
    }
    int timeout =
        in.timeout() == null
            ? ExternalApi.DEFAULT_TIMEOUT
            : range(
                "timeout",
                in.timeout(),
                ExternalApi.MIN_TIMEOUT,
                ExternalApi.MAX_TIMEOUT,
                " (milliseconds)");
    int retry = in.retry() == null ? 0 : range("retry", in.retry(), 0, ExternalApi.MAX_RETRY, "");
    List<ExternalApi.Header> headers = headers(in.headers());
    String credentialId =
        in.credentialId() == null || in.credentialId().isBlank() ? null : in.credentialId().trim();
    if (credentialId != null && !credentials.exists(orgId, credentialId)) {
      throw new Problem(
          Problem.Kind.INVALID,
          "invalid.value",
          "credentialId: no credential " + credentialId + " in this organization",
          Map.of("field", "credentialId"));
    }
    // An external API attaches its credential by type; a user-defined one has none to attach.
    if (credentialId != null
        && credentials.get(orgId, credentialId).type()
            == io.switchboard.server.credentials.CredentialType.USER_DEFINED)
      throw Problem.invalid(
          "credentialId",
          "a user-defined credential is placed by a data action's templates; an external API"
              + " attaches basic, bearer, api-key or OAuth2 credentials");
    JsonNode template =
        in.requestTemplate() == null || in.requestTemplate().isNull() ? null : in.requestTemplate();
    if (template != null) {
      if (method.equals("GET"))
        throw Problem.invalid(
            "requestTemplate",
            "a GET request carries no body; remove the template or use another method");
      if (mapper.writeValueAsBytes(template).length > MAX_TEMPLATE_BYTES)
        throw Problem.invalid(
            "requestTemplate", "must be at most " + MAX_TEMPLATE_BYTES + " bytes of JSON");
      Placeholders.checkTree("requestTemplate", template);
    }
    ExternalApi.ResponseMapping mapping =
        in.responseMapping() == null
                || in.responseMapping().outputs() == null
                || in.responseMapping().outputs().isEmpty()
            ? null
            : in.responseMapping();
    if (mapping != null) {
      engine.mapper().check(mapping);
    }
    return new ExternalApi(
        id,
        orgId,
        name,
        in.description(),
        protocol,
        method,
        url,
        timeout,
        retry,
        headers,
        credentialId,
        template,
        mapping,
        version,
        created,
        modified);
  }

  private static String required(String field, String value, int max) {
    if (value == null || value.isBlank()) throw Problem.invalid(field, "is required");
    if (value.length() > max)
      throw Problem.invalid(field, "must be at most " + max + " characters");
    return value;
  }

  static int range(String field, int value, int min, int max, String unit) {
    if (value < min || value > max) {
      throw new Problem(
          Problem.Kind.INVALID,
          "invalid.value",
          field + " must be between " + min + " and " + max + unit + ", got " + value,
          Map.of("field", field, "min", min, "max", max, "value", value));
    }
    return value;
  }

  private static String method(String method) {
    if (method == null || method.isBlank())
      throw new Problem(
          Problem.Kind.INVALID,
          "invalid.value",
          "method: is required; one of " + String.join(", ", METHOD_ORDER),
          Map.of("field", "method", "allowed", String.join(",", METHOD_ORDER)));
    String m = method.trim().toUpperCase(Locale.ROOT);
    if (!METHODS.contains(m)) {
      throw new Problem(
          Problem.Kind.INVALID,
          "invalid.value",
          "method must be one of " + String.join(", ", METHOD_ORDER) + ", got '" + method + "'",
          Map.of("field", "method", "allowed", String.join(",", METHOD_ORDER)));
    }
    return m;
  }

  /** An absolute http(s) URL with a host; placeholders only after the host, never user info. */
  private static String url(String url) {
    Placeholders.check("url", url);
    URI uri;
    try {
      uri = new URI(url.replaceAll("\\$\\{[^}]*}", "x"));
    } catch (java.net.URISyntaxException e) {
      throw Problem.invalid("url", "is not a valid URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new Problem(
          Problem.Kind.INVALID,
          "invalid.value",
          "url must be an absolute http or https URL",
          Map.of("field", "url", "allowed", "http,https"));
    }
    if (uri.getHost() == null) throw Problem.invalid("url", "must name a host");
    if (uri.getRawUserInfo() != null)
      throw Problem.invalid("url", "must not carry user info; put secrets in a credential");
    if (uri.getRawFragment() != null)
      throw Problem.invalid("url", "must not have a fragment (#...)");
    int authorityEnd = url.indexOf('/', scheme.length() + 3);
    String authority =
        authorityEnd < 0
            ? url.substring(scheme.length() + 3)
            : url.substring(scheme.length() + 3, authorityEnd);
    if (authority.contains("${"))
      throw Problem.invalid(
          "url", "placeholders may appear in the path and query, not in the host");
    return url;
  }

  private static List<ExternalApi.Header> headers(List<ExternalApi.Header> given) {
    if (given == null) return List.of();
    if (given.size() > MAX_HEADERS)
      throw Problem.invalid("headers", "must hold at most " + MAX_HEADERS + " headers");
    var out = new ArrayList<ExternalApi.Header>();
    var seen = new HashSet<String>();
    for (int i = 0; i < given.size(); i++) {
      ExternalApi.Header h = given.get(i);
      String at = "headers[" + i + "]";
      if (h == null) throw Problem.invalid(at, "must be an object with key and value");
      if (h.key() == null || !HEADER_NAME.matcher(h.key()).matches())
        throw Problem.invalid(
            at + ".key", "must be an HTTP header name (letters, digits and !#$%&'*+.^_`|~-)");
      String lower = h.key().toLowerCase(Locale.ROOT);
      if (SECRET_HEADERS.contains(lower))
        throw Problem.invalid(
            at + ".key",
            h.key() + " would be stored and shown in clear; use credentialId for secrets");
      if (RESTRICTED_HEADERS.contains(lower))
        throw Problem.invalid(at + ".key", "the " + h.key() + " header is set by the HTTP client");
      if (!seen.add(lower)) throw Problem.invalid(at + ".key", h.key() + " appears twice");
      String value = h.value() == null ? "" : h.value();
      if (value.length() > 4000)
        throw Problem.invalid(at + ".value", "must be at most 4000 characters");
      for (int c = 0; c < value.length(); c++) {
        char ch = value.charAt(c);
        if ((ch < 0x20 && ch != '\t') || ch >= 0x7f)
          throw Problem.invalid(at + ".value", "must be printable ASCII (no control characters)");
      }
      Placeholders.check(at + ".value", value);
      out.add(new ExternalApi.Header(h.key(), value));
    }
    return List.copyOf(out);
  }
}
