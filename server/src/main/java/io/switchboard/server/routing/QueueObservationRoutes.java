package io.switchboard.server.routing;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.Doc;
import io.switchboard.server.http.RequestBodies;
import io.switchboard.server.http.Requests;
import io.switchboard.server.http.Scope;
import io.switchboard.server.identity.Scopes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code POST /api/v2/analytics/queues/observations/query}: Genesys's queue observations, the live
 * numbers of a queue (calls waiting, members and their routing statuses). Only what Switchboard
 * models: queue-id predicates and the metrics in {@link #METRICS}.
 */
public final class QueueObservationRoutes implements ApiRoutes {
  static final String PATH = "/api/v2/analytics/queues/observations/query";

  /** Genesys's limit on the queues of one query is far higher; 100 keeps one query cheap. */
  static final int MAX_QUEUES = 100;

  /** Members read per queue for the user metrics. */
  static final int MAX_MEMBERS = 10_000;

  static final Set<String> METRICS =
      Set.of("oWaiting", "oMemberUsers", "oActiveUsers", "oOnQueueUsers", "oOffQueueUsers");

  private final QueueService queues;
  private final CallStore calls;
  private final RequestBodies bodies;

  public QueueObservationRoutes(QueueService queues, CallStore calls, RequestBodies bodies) {
    this.queues = queues;
    this.calls = calls;
    this.bodies = bodies;
  }

  /** Genesys's QueueObservationQuery (the parts used). */
  public record Query(Filter filter, List<String> metrics) {}

  public record Filter(String type, List<Predicate> predicates, List<Filter> clauses) {}

  public record Predicate(String type, String dimension, String operator, String value) {}

  public record Stats(long count) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Data(String metric, String qualifier, Stats stats) {}

  public record Result(Map<String, String> group, List<Data> data) {}

  public record Response(List<Result> results) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.post(PATH, this::query, Scope.read(Scopes.ROUTING), Doc.of(Query.class, Response.class));
  }

  private void query(Context ctx) {
    Query q = bodies.read(ctx, Query.class);
    if (q.filter() == null)
      throw Problem.invalid("filter", "is required: the queues, as queueId predicates");
    var ids = new LinkedHashSet<String>();
    collect(q.filter(), "filter", ids);
    if (ids.isEmpty())
      throw Problem.invalid("filter", "must name at least one queue (dimension queueId)");
    if (ids.size() > MAX_QUEUES)
      throw Problem.invalid("filter", "names more than " + MAX_QUEUES + " queues");
    List<String> metrics = q.metrics() == null || q.metrics().isEmpty() ? null : q.metrics();
    if (metrics != null) {
      for (int i = 0; i < metrics.size(); i++) {
        if (!METRICS.contains(metrics.get(i)))
          throw Problem.invalid(
              "metrics[" + i + "]", "must be one of " + new java.util.TreeSet<>(METRICS));
      }
    }
    Set<String> wanted = metrics == null ? new java.util.TreeSet<>(METRICS) : Set.copyOf(metrics);
    String org = Requests.principal(ctx).orgId();
    var results = new ArrayList<Result>();
    for (String id : ids) {
      // An unknown (or another org's) queue has no observations, as in Genesys's analytics.
      if (queues.find(org, id).isEmpty()) continue;
      results.add(new Result(Map.of("queueId", id), observe(org, id, wanted)));
    }
    ctx.json(new Response(results));
  }

  private List<Data> observe(String org, String queueId, Set<String> wanted) {
    var data = new ArrayList<Data>();
    if (wanted.contains("oWaiting"))
      data.add(new Data("oWaiting", null, new Stats(calls.waiting(org, queueId))));
    if (wanted.stream().noneMatch(m -> m.endsWith("Users"))) return data;
    List<QueueMember> members = queues.members(org, queueId, 0, MAX_MEMBERS);
    if (wanted.contains("oMemberUsers"))
      data.add(new Data("oMemberUsers", null, new Stats(members.size())));
    if (wanted.contains("oActiveUsers"))
      // Members are always joined in Switchboard (QueueMember).
      data.add(new Data("oActiveUsers", null, new Stats(members.size())));
    var onQueue = new TreeMap<String, Long>();
    long off = 0;
    for (QueueMember m : members) {
      String status = m.status() == null ? AgentStatus.OFF_QUEUE : m.status().status();
      if (status.equals(AgentStatus.OFF_QUEUE)) off++;
      else onQueue.merge(status, 1L, Long::sum);
    }
    if (wanted.contains("oOnQueueUsers")) {
      // Genesys qualifies on-queue users by routing status: one entry per status present.
      for (var e : onQueue.entrySet())
        data.add(new Data("oOnQueueUsers", e.getKey(), new Stats(e.getValue())));
    }
    if (wanted.contains("oOffQueueUsers"))
      data.add(new Data("oOffQueueUsers", null, new Stats(off)));
    return data;
  }

  private static void collect(Filter f, String field, Set<String> ids) {
    if (f.type() != null && !f.type().equals("or") && !f.type().equals("and"))
      throw Problem.invalid(field + ".type", "must be or or and");
    if (f.predicates() != null) {
      for (int i = 0; i < f.predicates().size(); i++) {
        Predicate p = f.predicates().get(i);
        String at = field + ".predicates[" + i + "]";
        if (p == null || !"queueId".equals(p.dimension()))
          throw Problem.invalid(at + ".dimension", "must be queueId (the one dimension modelled)");
        if (p.operator() != null && !p.operator().equals("matches"))
          throw Problem.invalid(at + ".operator", "must be matches");
        if (p.value() == null || p.value().isBlank())
          throw Problem.invalid(at + ".value", "is required (a queue id)");
        ids.add(p.value());
      }
    }
    if (f.clauses() != null) {
      for (int i = 0; i < f.clauses().size(); i++) {
        if (f.clauses().get(i) == null) continue;
        collect(f.clauses().get(i), field + ".clauses[" + i + "]", ids);
      }
    }
  }
}
