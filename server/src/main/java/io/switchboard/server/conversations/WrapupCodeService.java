package io.switchboard.server.conversations;

import io.switchboard.server.errors.Checks;
import io.switchboard.server.errors.Problem;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The org's wrap-up codes (create, read, rename, delete). A deleted code stays on past wrap-ups by
 * name.
 */
public final class WrapupCodeService {
  private final WrapupCodeStore store;
  private final Clock clock;

  public WrapupCodeService(WrapupCodeStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  public WrapupCode create(String orgId, String name, String by) {
    String n = name(name);
    Instant now = clock.instant();
    var code = new WrapupCode(UUID.randomUUID().toString(), orgId, n, by, by, now, now);
    if (!store.insert(code)) throw nameTaken(n);
    return code;
  }

  public WrapupCode get(String orgId, String id) {
    return store.find(orgId, id).orElseThrow(() -> Problem.notFound("Wrap-up code", id));
  }

  public Optional<WrapupCode> findByName(String orgId, String name) {
    return store.findByName(orgId, name);
  }

  public WrapupCode rename(String orgId, String id, String name, String by) {
    String n = name(name);
    switch (store.rename(orgId, id, n, by, clock.instant())) {
      case NOT_FOUND -> throw Problem.notFound("Wrap-up code", id);
      case NAME_TAKEN -> throw nameTaken(n);
      case OK -> {}
    }
    return get(orgId, id);
  }

  public void delete(String orgId, String id) {
    if (!store.delete(orgId, id)) throw Problem.notFound("Wrap-up code", id);
  }

  public List<WrapupCode> list(
      String orgId,
      String nameContains,
      Set<String> ids,
      boolean byId,
      boolean ascending,
      int offset,
      int limit) {
    return store.list(orgId, blankToNull(nameContains), ids, byId, ascending, offset, limit);
  }

  public long count(String orgId, String nameContains, Set<String> ids) {
    return store.count(orgId, blankToNull(nameContains), ids);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static String name(String name) {
    return Checks.requiredText("name", name, 200);
  }

  private static Problem nameTaken(String name) {
    return new Problem(
        Problem.Kind.CONFLICT,
        "wrapupcode.name.taken",
        "A wrap-up code named " + name + " already exists",
        Map.of("name", name));
  }
}
