package io.switchboard.server.routing;

import io.switchboard.server.errors.Checks;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.flows.Flow;
import io.switchboard.server.flows.FlowService;
import io.switchboard.server.storage.SqlErrors;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * IVRs: a name (unique in the org), the numbers (DNIS) it answers and the INBOUNDCALL flow of the
 * org those calls run. A DNIS belongs to at most one IVR of the org: claiming one another IVR holds
 * is 409 {@code ivr.dnis.taken} naming that IVR. Orgs are isolated, so two orgs may each route the
 * same number (a real carrier would deliver it to one of them only).
 */
public final class IvrService {
  public static final int MAX_DNIS = 50;
  private static final Pattern DNIS = Pattern.compile("\\+?[0-9]{3,20}");

  /** What a caller sends: Genesys's IVR, of which these fields are used. */
  public record Input(
      String name, String description, List<String> dnis, FlowRef openHoursFlow, Long version) {}

  public record FlowRef(String id) {}

  private final IvrStore store;
  private final FlowService flows;
  private final Clock clock;

  public IvrService(IvrStore store, FlowService flows, Clock clock) {
    this.store = store;
    this.flows = flows;
    this.clock = clock;
  }

  public Ivr create(String orgId, Input in) {
    Instant now = clock.instant();
    var ivr =
        new Ivr(
            UUID.randomUUID().toString(),
            orgId,
            name(in),
            Checks.optionalText("description", in.description(), 1000),
            dnis(in.dnis()),
            flow(orgId, in.openHoursFlow()).id(),
            1,
            now,
            now);
    write(orgId, ivr, () -> store.jdbi().useTransaction(h -> store.insert(h, ivr)));
    return ivr;
  }

  public Ivr update(String orgId, String id, Input in) {
    Ivr before = get(orgId, id);
    if (in.version() != null && in.version() != before.version())
      throw Problem.versionMismatch(before.version(), in.version());
    var after =
        new Ivr(
            id,
            orgId,
            name(in),
            Checks.optionalText("description", in.description(), 1000),
            dnis(in.dnis()),
            flow(orgId, in.openHoursFlow()).id(),
            before.version() + 1,
            before.createdAt(),
            clock.instant());
    write(
        orgId,
        after,
        () -> {
          boolean ok = store.jdbi().inTransaction(h -> store.update(h, after, before.version()));
          if (!ok)
            throw Problem.conflict(
                "ivr.changed", "IVR " + id + " changed while it was being updated; read it again");
        });
    return get(orgId, id);
  }

  /** Checks the DNIS and name first (clear errors), then relies on the keys for races. */
  private void write(String orgId, Ivr ivr, Runnable write) {
    var owner = store.dnisOwner(orgId, ivr.dnis(), ivr.id());
    if (owner.isPresent()) throw dnisTaken(owner.get());
    try {
      write.run();
    } catch (IvrStore.FlowGone gone) {
      throw Problem.invalid(
          "openHoursFlow.id",
          "flow " + ivr.flowId() + " was deleted while the IVR was being saved");
    } catch (RuntimeException e) {
      if (!SqlErrors.isUniqueViolation(e)) throw e;
      var raced = store.dnisOwner(orgId, ivr.dnis(), ivr.id());
      if (raced.isPresent()) throw dnisTaken(raced.get());
      throw new Problem(
          Problem.Kind.CONFLICT,
          "ivr.name.taken",
          "An IVR named '" + ivr.name() + "' already exists in this organization",
          Map.of("name", ivr.name()));
    }
  }

  /** The org's IVR answering {@code dnis}. */
  public java.util.Optional<Ivr> findByDnis(String orgId, String dnis) {
    return store.findByDnis(orgId, dnis);
  }

  public Ivr get(String orgId, String id) {
    return store.find(orgId, id).orElseThrow(() -> Problem.notFound("IVR", id));
  }

  public List<Ivr> list(
      String orgId, String name, String dnis, boolean ascending, int offset, int limit) {
    return store.list(orgId, blankToNull(name), blankToNull(dnis), ascending, offset, limit);
  }

  public long count(String orgId, String name, String dnis) {
    return store.count(orgId, blankToNull(name), blankToNull(dnis));
  }

  public void delete(String orgId, String id) {
    if (!store.delete(orgId, id)) throw Problem.notFound("IVR", id);
  }

  /** The flow's name for views, or null when the flow is gone. */
  public String flowName(String orgId, String flowId) {
    try {
      return flows.get(orgId, flowId).name();
    } catch (Problem notFound) {
      return null;
    }
  }

  private static String name(Input in) {
    return Checks.requiredText("name", in.name(), 200);
  }

  private static List<String> dnis(List<String> given) {
    if (given == null) return List.of();
    if (given.size() > MAX_DNIS) throw Problem.invalid("dnis", "at most " + MAX_DNIS + " numbers");
    var out = new LinkedHashSet<String>();
    for (int i = 0; i < given.size(); i++) {
      String d = given.get(i) == null ? "" : given.get(i).trim();
      if (!DNIS.matcher(d).matches())
        throw Problem.invalid(
            "dnis[" + i + "]", "must be a phone number: an optional + and 3 to 20 digits");
      if (!out.add(d)) throw Problem.invalid("dnis[" + i + "]", d + " is listed twice");
    }
    return new ArrayList<>(out);
  }

  private Flow flow(String orgId, FlowRef ref) {
    if (ref == null || ref.id() == null || ref.id().isBlank())
      throw Problem.invalid("openHoursFlow.id", "is required (an INBOUNDCALL flow of the org)");
    Flow f;
    try {
      f = flows.get(orgId, ref.id());
    } catch (Problem notFound) {
      throw new Problem(
          Problem.Kind.INVALID,
          "invalid.value",
          "openHoursFlow.id: " + ref.id() + " is not a flow of this organization",
          Map.of("field", "openHoursFlow.id", "id", ref.id()));
    }
    if (!"INBOUNDCALL".equals(f.type()))
      throw new Problem(
          Problem.Kind.INVALID,
          "invalid.value",
          "openHoursFlow.id: flow "
              + f.id()
              + " is a "
              + f.type()
              + " flow; an IVR runs INBOUNDCALL flows",
          Map.of("field", "openHoursFlow.id", "id", f.id(), "type", f.type()));
    return f;
  }

  private static Problem dnisTaken(String[] owner) {
    return new Problem(
        Problem.Kind.CONFLICT,
        "ivr.dnis.taken",
        "DNIS " + owner[0] + " is already claimed by IVR '" + owner[2] + "' (" + owner[1] + ")",
        Map.of("dnis", owner[0], "ivrId", owner[1], "ivrName", owner[2]));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
