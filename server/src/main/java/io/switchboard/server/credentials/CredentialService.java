package io.switchboard.server.credentials;

import io.switchboard.server.errors.Problem;
import io.switchboard.server.storage.SqlErrors;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Typed integration credentials. Secret fields are accepted on create and replace, sealed with the
 * {@link SecretBox} and never handed back; only {@link #resolve} opens them, for the outbound
 * engine. Validation messages name the field and never repeat a secret's value.
 */
public final class CredentialService {
  static final int MAX_SECRET_CHARS = 4096;
  static final int MAX_PUBLIC_CHARS = 2000;
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");
  private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,200}");

  /** Headers the outbound client sets itself or that would let a credential smuggle framing. */
  static final Set<String> RESTRICTED_HEADERS =
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

  private static final TypeReference<LinkedHashMap<String, String>> SECRETS =
      new TypeReference<>() {};

  private final CredentialStore store;
  private final SecretBox box;
  private final CredentialUsage usage;
  private final JsonMapper mapper;
  private final Clock clock;

  public CredentialService(
      CredentialStore store, SecretBox box, CredentialUsage usage, JsonMapper mapper, Clock clock) {
    this.store = store;
    this.box = box;
    this.usage = usage;
    this.mapper = mapper;
    this.clock = clock;
  }

  /**
   * What a caller sends to create or replace a credential. {@code credentialFields} holds public
   * and secret fields.
   */
  public record Input(
      String name,
      String description,
      String type,
      JsonNode credentialFields,
      List<String> allowedHosts) {
    /**
     * Without hosts: an OAuth2 credential gets its token URL's host, a replace keeps the stored
     * ones.
     */
    public Input(String name, String description, String type, JsonNode credentialFields) {
      this(name, description, type, credentialFields, null);
    }

    @Override
    public String toString() {
      return "Credential.Input[name=" + name + ", type=" + type + ", fields=<not shown>]";
    }
  }

  public Credential create(String orgId, Input input) {
    CredentialType type = type(input.type());
    Fields fields = fields(type, input.credentialFields(), Map.of());
    Instant now = clock.instant();
    String id = UUID.randomUUID().toString();
    List<String> hosts = allowedHosts(type, fields.publicFields(), input.allowedHosts());
    var credential =
        new Credential(
            id,
            orgId,
            name(input.name()),
            description(input.description()),
            type,
            fields.publicFields(),
            seal(orgId, id, fields.secrets()),
            box.keyId(),
            hosts,
            1,
            now,
            now);
    store.insert(credential);
    return credential;
  }

  public Credential get(String orgId, String id) {
    return store.find(orgId, id).orElseThrow(() -> Problem.notFound("Credential", id));
  }

  public boolean exists(String orgId, String id) {
    return store.find(orgId, id).isPresent();
  }

  public java.util.Optional<Credential> findByName(String orgId, String name) {
    return store.findByName(orgId, name);
  }

  public List<Credential> list(String orgId, int offset, int limit) {
    return store.list(orgId, offset, limit);
  }

  public long count(String orgId) {
    return store.count(orgId);
  }

  /**
   * Replaces name, description, type and fields. A secret field left out keeps its stored value (a
   * caller cannot read it back to resend it) unless the type changes, when every secret must be
   * given.
   */
  public Credential replace(String orgId, String id, Input input, Long expectedVersion) {
    CredentialType type = type(input.type());
    String name = name(input.name());
    String description = description(input.description());
    for (int attempt = 0; ; attempt++) {
      Credential current = get(orgId, id);
      if (expectedVersion != null && expectedVersion != current.version())
        throw Problem.versionMismatch(current.version(), expectedVersion);
      Map<String, String> kept = type == current.type() ? openSecrets(current) : Map.of();
      Fields fields = fields(type, input.credentialFields(), kept);
      List<String> hosts =
          allowedHosts(
              type,
              fields.publicFields(),
              input.allowedHosts() != null ? input.allowedHosts() : current.allowedHosts());
      var updated =
          new Credential(
              id,
              orgId,
              name,
              description,
              type,
              fields.publicFields(),
              seal(orgId, id, fields.secrets()),
              box.keyId(),
              hosts,
              current.version() + 1,
              current.createdAt(),
              clock.instant());
      if (store.update(updated, current.version())) return updated;
      // Someone else wrote in between: a strict caller learns the new version, a lax one is
      // re-applied.
      if (expectedVersion != null || attempt >= 3) {
        Credential now = get(orgId, id);
        throw Problem.versionMismatch(
            now.version(), expectedVersion != null ? expectedVersion : current.version());
      }
    }
  }

  public void delete(String orgId, String id) {
    get(orgId, id);
    List<String> users = usage.usersOf(orgId, id);
    if (!users.isEmpty()) throw inUse(id, users);
    try {
      if (!store.delete(orgId, id)) throw Problem.notFound("Credential", id);
    } catch (RuntimeException e) {
      // An external API took it into use after the check above: the foreign key refused the delete.
      if (SqlErrors.isForeignKeyViolation(e)) throw inUse(id, usage.usersOf(orgId, id));
      throw e;
    }
  }

  private static Problem inUse(String id, List<String> users) {
    return new Problem(
        Problem.Kind.CONFLICT,
        "credential.in.use",
        "Credential "
            + id
            + " is used by "
            + users.size()
            + " external API(s): "
            + String.join(", ", users.subList(0, Math.min(5, users.size())))
            + (users.size() > 5 ? ", ..." : ""),
        Map.of("id", id, "usedBy", users.size()));
  }

  /** The credential with its secrets opened, for the outbound engine only. */
  public ResolvedCredential resolve(String orgId, String id) {
    Credential c = get(orgId, id);
    List<String> hosts =
        c.allowedHosts() != null
            ? c.allowedHosts()
            : allowedHosts(c.type(), c.publicFields(), null);
    return new ResolvedCredential(
        c.id(),
        c.version(),
        c.type(),
        c.publicFields(),
        openSecrets(c),
        hosts == null ? List.of() : hosts);
  }

  /**
   * The hosts a credential may be sent to, checked by the engine on every call: a tenant that may
   * edit an external API's URL (scope {@code architect}) must not be able to send a credential it
   * cannot read to a server of its own. Given: host names, IP addresses or {@code *.domain} (its
   * subdomains). Not given: an OAuth2 credential may go to its token URL's host (where its secret
   * goes anyway); a basic, bearer or api-key credential may go nowhere until its hosts are set
   * (null is stored and every use is refused).
   */
  static List<String> allowedHosts(
      CredentialType type, Map<String, Object> publicFields, List<String> given) {
    if (given == null || given.isEmpty()) {
      if (type == CredentialType.OAUTH2_CLIENT_CREDENTIALS
          && publicFields.get("tokenUrl") instanceof String url) {
        String host = URI.create(url).getHost();
        return host == null ? null : List.of(normalHost(host));
      }
      return given == null ? null : List.of();
    }
    if (given.size() > 50) throw Problem.invalid("allowedHosts", "must hold at most 50 hosts");
    var out = new ArrayList<String>();
    for (int i = 0; i < given.size(); i++) {
      String h = given.get(i);
      String at = "allowedHosts[" + i + "]";
      if (h == null || h.isBlank())
        throw Problem.invalid(at, "must be a host name, an IP address or *.domain");
      String n = normalHost(h.trim());
      if (n.equals("*") || n.equals("*."))
        throw Problem.invalid(at, "must name a host; '*' would let the credential go anywhere");
      String name = n.startsWith("*.") ? n.substring(2) : n;
      if (n.length() > 253
          || !(HOST_NAME.matcher(name).matches()
              || (!n.startsWith("*.") && IPV6.matcher(name).matches()))) {
        throw Problem.invalid(
            at, "must be a host name, an IP address or *.domain (no scheme, port or path)");
      }
      if (!out.contains(n)) out.add(n);
    }
    return List.copyOf(out);
  }

  private static final Pattern HOST_NAME =
      Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]*:[0-9a-f:.]*");

  private static String normalHost(String host) {
    String h = host.toLowerCase(java.util.Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  private Map<String, String> openSecrets(Credential c) {
    if (!c.keyId().equals(box.keyId())) {
      throw new IllegalStateException(
          "credential "
              + c.id()
              + " is sealed with key "
              + c.keyId()
              + " but the configured key is "
              + box.keyId());
    }
    byte[] plain = box.open(c.sealedSecrets(), Credential.associatedData(c.orgId(), c.id()));
    try {
      return mapper.readValue(plain, SECRETS);
    } finally {
      java.util.Arrays.fill(plain, (byte) 0);
    }
  }

  private String seal(String orgId, String id, Map<String, String> secrets) {
    byte[] plain = mapper.writeValueAsBytes(secrets);
    try {
      return box.seal(plain, Credential.associatedData(orgId, id));
    } finally {
      java.util.Arrays.fill(plain, (byte) 0);
    }
  }

  private record Fields(Map<String, Object> publicFields, Map<String, String> secrets) {
    @Override
    public String toString() {
      return "Fields[public=" + publicFields.keySet() + ", secrets=<redacted>]";
    }
  }

  private static Fields fields(
      CredentialType type, JsonNode given, Map<String, String> keptSecrets) {
    if (given == null || given.isNull() || given.isMissingNode())
      throw Problem.invalid("credentialFields", "is required");
    if (!given.isObject()) throw Problem.invalid("credentialFields", "must be an object");
    if (type.freeForm()) return freeFormFields(given, keptSecrets);
    for (String field : given.propertyNames()) {
      if (!type.isKnownField(field)) {
        List<String> allowed = type.fields();
        throw new Problem(
            Problem.Kind.INVALID,
            "invalid.value",
            "credentialFields."
                + field
                + ": not a field of a "
                + type.wireName()
                + " credential; allowed: "
                + String.join(", ", allowed),
            Map.of("field", "credentialFields." + field, "allowed", String.join(",", allowed)));
      }
    }
    var publicFields = new LinkedHashMap<String, Object>();
    for (String field : type.requiredPublicFields()) {
      publicFields.put(field, publicString(type, field, given.get(field), true));
    }
    for (String field : type.optionalPublicFields()) {
      JsonNode v = given.get(field);
      if (v == null || v.isNull()) continue;
      if (field.equals("scopes")) publicFields.put(field, scopes(v));
      else publicFields.put(field, publicString(type, field, v, false));
    }
    var secrets = new LinkedHashMap<String, String>();
    for (String field : type.secretFields()) {
      JsonNode v = given.get(field);
      if (v == null || v.isNull()) {
        String kept = keptSecrets.get(field);
        if (kept == null)
          throw Problem.invalid("credentialFields." + field, "is required (a write-only secret)");
        secrets.put(field, kept);
      } else {
        secrets.put(field, secret(field, v));
      }
    }
    return new Fields(publicFields, secrets);
  }

  /** The most fields a free-form credential holds. */
  static final int MAX_FREE_FORM_FIELDS = 20;

  /**
   * A free-form (user-defined) credential's fields, every one secret: those given are set, one
   * given as null is removed, the rest are kept. Their names are public (the templates name them).
   */
  private static Fields freeFormFields(JsonNode given, Map<String, String> keptSecrets) {
    var secrets = new LinkedHashMap<String, String>(keptSecrets);
    for (var e : given.properties()) {
      String field = e.getKey();
      if (!CredentialType.isFieldName(field))
        throw Problem.invalid(
            "credentialFields",
            "'"
                + (field.length() <= 64 ? field : field.substring(0, 64) + "...")
                + "' is not a field name: a letter or _, then up to 63 letters, digits or _");
      if (e.getValue() == null || e.getValue().isNull()) secrets.remove(field);
      else secrets.put(field, secret(field, e.getValue()));
    }
    if (secrets.isEmpty())
      throw Problem.invalid("credentialFields", "a user-defined credential needs a field");
    if (secrets.size() > MAX_FREE_FORM_FIELDS)
      throw Problem.invalid(
          "credentialFields",
          "a user-defined credential holds at most " + MAX_FREE_FORM_FIELDS + " fields");
    var publicFields = new LinkedHashMap<String, Object>();
    publicFields.put(CredentialType.FIELD_NAMES, List.copyOf(secrets.keySet()));
    return new Fields(publicFields, secrets);
  }

  private static String publicString(
      CredentialType type, String field, JsonNode v, boolean required) {
    String path = "credentialFields." + field;
    if (v == null || v.isNull()) {
      if (required)
        throw Problem.invalid(path, "is required for a " + type.wireName() + " credential");
      return null;
    }
    if (!v.isString()) throw Problem.invalid(path, "must be a string");
    String s = v.asString().trim();
    if (s.isEmpty()) throw Problem.invalid(path, "must not be blank");
    if (s.length() > MAX_PUBLIC_CHARS)
      throw Problem.invalid(path, "must be at most " + MAX_PUBLIC_CHARS + " characters");
    if (hasControl(s)) throw Problem.invalid(path, "must not contain control characters");
    switch (field) {
      case "tokenUrl" -> {
        URI uri;
        try {
          uri = new URI(s);
        } catch (java.net.URISyntaxException e) {
          throw Problem.invalid(path, "is not a valid URL");
        }
        String scheme =
            uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https"))
          throw Problem.invalid(path, "must be an http or https URL");
        if (uri.getHost() == null) throw Problem.invalid(path, "must name a host");
        if (uri.getRawUserInfo() != null)
          throw Problem.invalid(
              path, "must not carry user info; the client id and secret are fields of their own");
      }
      case "headerName" -> {
        if (!HEADER_NAME.matcher(s).matches())
          throw Problem.invalid(
              path, "must be an HTTP header name (letters, digits and !#$%&'*+.^_`|~-)");
        if (RESTRICTED_HEADERS.contains(s.toLowerCase(java.util.Locale.ROOT)))
          throw Problem.invalid(path, "cannot be the " + s + " header");
      }
      case "username" -> {
        // RFC 7617: the user-id cannot contain a colon, the password can.
        if (s.contains(":")) throw Problem.invalid(path, "must not contain ':'");
      }
      default -> {}
    }
    return s;
  }

  private static List<String> scopes(JsonNode v) {
    if (!v.isArray())
      throw Problem.invalid("credentialFields.scopes", "must be an array of scope strings");
    if (v.size() > 50)
      throw Problem.invalid("credentialFields.scopes", "must hold at most 50 scopes");
    var out = new ArrayList<String>();
    for (int i = 0; i < v.size(); i++) {
      JsonNode s = v.get(i);
      if (!s.isString() || !SCOPE.matcher(s.asString()).matches())
        throw Problem.invalid(
            "credentialFields.scopes[" + i + "]", "must be a scope token (no spaces or quotes)");
      out.add(s.asString());
    }
    return out;
  }

  private static String secret(String field, JsonNode v) {
    String path = "credentialFields." + field;
    if (!v.isString()) throw Problem.invalid(path, "must be a string");
    String s = v.asString();
    if (s.isEmpty()) throw Problem.invalid(path, "must not be empty");
    if (s.length() > MAX_SECRET_CHARS)
      throw Problem.invalid(path, "must be at most " + MAX_SECRET_CHARS + " characters");
    // Secrets end up in header values: a line break would split the request.
    if (hasControl(s)) throw Problem.invalid(path, "must not contain control characters");
    if (s.getBytes(StandardCharsets.UTF_8).length != s.length()
        && (field.equals("token") || field.equals("apiKey"))) {
      throw Problem.invalid(path, "must be ASCII (it is sent in a header)");
    }
    return s;
  }

  private static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) return true;
    }
    return false;
  }

  private static CredentialType type(String wire) {
    if (wire == null || wire.isBlank())
      throw Problem.invalid(
          "type", "is required; one of " + String.join(", ", CredentialType.wireNames()));
    return CredentialType.byWireName(wire.trim())
        .orElseThrow(() ->
            new Problem(
                Problem.Kind.INVALID,
                "invalid.value",
                "type must be one of "
                    + String.join(", ", CredentialType.wireNames())
                    + ", got '"
                    + wire
                    + "'",
                Map.of("field", "type", "allowed", String.join(",", CredentialType.wireNames()))));
  }

  private static String name(String name) {
    if (name == null || name.isBlank()) throw Problem.invalid("name", "is required");
    String trimmed = name.trim();
    if (trimmed.length() > 200) throw Problem.invalid("name", "must be at most 200 characters");
    return trimmed;
  }

  private static String description(String description) {
    if (description == null) return null;
    if (description.length() > 1000)
      throw Problem.invalid("description", "must be at most 1000 characters");
    return description;
  }
}
