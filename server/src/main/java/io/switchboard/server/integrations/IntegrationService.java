package io.switchboard.server.integrations;

import io.switchboard.server.credentials.CredentialService;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.externalapis.ExternalApiUsage;
import io.switchboard.server.storage.SqlErrors;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Integration instances of type {@code custom-rest-actions}: create, read, change (name, notes,
 * intended state, credential), delete (with their actions).
 */
public final class IntegrationService {
  static final Set<String> STATES = Set.of("ENABLED", "DISABLED");

  private final IntegrationStore store;
  private final CredentialService credentials;
  private final Clock clock;

  /** Which published flows use an action of an integration: deleting it is then refused. */
  private final ExternalApiUsage usage;

  public IntegrationService(
      IntegrationStore store, CredentialService credentials, Clock clock, ExternalApiUsage usage) {
    this.usage = usage;
    this.store = store;
    this.credentials = credentials;
    this.clock = clock;
  }

  /** What a caller may set; null fields keep their value (or take the default on create). */
  public record Changes(
      String name, String notes, String intendedState, String credentialId, Integer retry) {}

  public Integration create(String orgId, String typeId, Changes in) {
    if (typeId == null || typeId.isBlank())
      throw Problem.invalid("integrationType.id", "is required (custom-rest-actions)");
    if (!Integration.TYPE.equals(typeId.trim()))
      throw new Problem(
          Problem.Kind.INVALID,
          "invalid.value",
          "integrationType.id: only custom-rest-actions integrations are supported",
          Map.of("field", "integrationType.id"));
    Instant now = clock.instant();
    var i =
        validated(
            new Integration(
                UUID.randomUUID().toString(),
                orgId,
                in.name(),
                in.notes(),
                Integration.TYPE,
                in.intendedState() == null ? "DISABLED" : in.intendedState(),
                blankToNull(in.credentialId()),
                in.retry() == null ? 0 : in.retry(),
                1,
                now,
                now));
    saving(i, () -> store.insert(i));
    return i;
  }

  public Integration get(String orgId, String id) {
    return store.find(orgId, id).orElseThrow(() -> Problem.notFound("Integration", id));
  }

  public List<Integration> list(String orgId, int offset, int limit) {
    return store.list(orgId, offset, limit);
  }

  public long count(String orgId) {
    return store.count(orgId);
  }

  /** Applies {@code in} (present fields only); {@code expectedVersion} null skips the check. */
  public Integration change(String orgId, String id, Changes in, Long expectedVersion) {
    return write(
        orgId,
        id,
        expectedVersion,
        c ->
            new Integration(
                c.id(),
                c.orgId(),
                in.name() != null ? in.name() : c.name(),
                in.notes() != null ? in.notes() : c.notes(),
                c.typeId(),
                in.intendedState() != null ? in.intendedState() : c.intendedState(),
                in.credentialId() != null ? blankToNull(in.credentialId()) : c.credentialId(),
                in.retry() != null ? in.retry() : c.retry(),
                c.version() + 1,
                c.createdAt(),
                clock.instant()));
  }

  /** Replaces the configuration (name, notes, credential: absent means none). */
  public Integration configure(
      String orgId,
      String id,
      String name,
      String notes,
      String credentialId,
      Integer retry,
      Long expected) {
    return write(
        orgId,
        id,
        expected,
        c ->
            new Integration(
                c.id(),
                c.orgId(),
                name != null ? name : c.name(),
                notes,
                c.typeId(),
                c.intendedState(),
                blankToNull(credentialId),
                retry == null ? 0 : retry,
                c.version() + 1,
                c.createdAt(),
                clock.instant()));
  }

  private Integration write(
      String orgId, String id, Long expectedVersion, UnaryOperator<Integration> change) {
    for (int attempt = 0; ; attempt++) {
      Integration current = get(orgId, id);
      if (expectedVersion != null && current.version() != expectedVersion)
        throw Problem.versionMismatch(current.version(), expectedVersion);
      Integration next = validated(change.apply(current));
      boolean[] written = new boolean[1];
      saving(next, () -> written[0] = store.update(next, current.version()));
      if (written[0]) return next;
      if (expectedVersion != null || attempt >= 5) {
        Integration now = get(orgId, id);
        throw Problem.versionMismatch(
            now.version(), expectedVersion != null ? expectedVersion : current.version());
      }
    }
  }

  /** Deletes the integration with its actions; refused while a published flow uses one of them. */
  public Integration delete(String orgId, String id) {
    Integration i = get(orgId, id);
    usage.deleteUnlessUsed(
        orgId,
        id,
        "An action of integration " + id,
        () -> store.delete(orgId, id),
        () -> Problem.notFound("Integration", id));
    return i;
  }

  private Integration validated(Integration i) {
    String name = i.name() == null ? null : i.name().trim();
    if (name == null || name.isEmpty()) throw Problem.invalid("name", "is required");
    if (name.length() > 200) throw Problem.invalid("name", "must be at most 200 characters");
    if (i.notes() != null && i.notes().length() > 1000)
      throw Problem.invalid("notes", "must be at most 1000 characters");
    String state = i.intendedState().trim().toUpperCase(Locale.ROOT);
    if (!STATES.contains(state))
      throw Problem.invalid("intendedState", "must be ENABLED or DISABLED");
    if (i.retry() < 0 || i.retry() > io.switchboard.server.externalapis.ExternalApi.MAX_RETRY)
      throw new Problem(
          Problem.Kind.INVALID,
          "invalid.value",
          "config.current.advanced.retry must be between 0 and 3, got " + i.retry(),
          Map.of("field", "config.current.advanced.retry", "min", 0, "max", 3));
    if (i.credentialId() != null && !credentials.exists(i.orgId(), i.credentialId()))
      throw Problem.invalid(
          "config.current.credentials", "names a credential that does not exist in this org");
    return new Integration(
        i.id(),
        i.orgId(),
        name,
        i.notes(),
        i.typeId(),
        state,
        i.credentialId(),
        i.retry(),
        i.version(),
        i.createdAt(),
        i.modifiedAt());
  }

  /** A credential deleted between the check and the write: the foreign key refuses it. */
  private static void saving(Integration i, Runnable write) {
    try {
      write.run();
    } catch (RuntimeException e) {
      if (SqlErrors.isForeignKeyViolation(e))
        throw Problem.invalid(
            "config.current.credentials", "names a credential that does not exist in this org");
      throw e;
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
