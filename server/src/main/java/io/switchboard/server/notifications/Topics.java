package io.switchboard.server.notifications;

import io.switchboard.server.identity.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/**
 * The topics a channel may subscribe to: each a pattern {@code prefix.{id}.suffix}, the scope its
 * events need and the check that the id is the caller's org's. The composition root registers the
 * kinds whose features exist; a feature added later (routing queues) registers its own kind with
 * one {@link #register} call and publishes with {@link Notifier#publish(String, String, Object)}.
 */
public final class Topics {
  /** The longest topic name accepted. */
  public static final int MAX_LENGTH = 300;

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,100}");

  public static String userConversations(String userId) {
    return "v2.users." + userId + ".conversations";
  }

  public static String conversation(String conversationId) {
    return "v2.conversations." + conversationId;
  }

  public static String session(String sessionId) {
    return "v2.agent-scripting.sessions." + sessionId;
  }

  public static String flowExecution(String executionId) {
    return "v2.flows.executions." + executionId;
  }

  /** A queue's conversations: a call queued, and connected to an agent from it. */
  public static String queueConversations(String queueId) {
    return "v2.routing.queues." + queueId + ".conversations";
  }

  /** An agent's routing status, as the agent or the ACD sets it. */
  public static String routingStatus(String userId) {
    return "v2.users." + userId + ".routingStatus";
  }

  /**
   * A kind of topic: {@code prefix + id + suffix}; the caller needs {@code scope} (or its readonly
   * form) and {@code exists} must say the id is its org's.
   */
  public record Kind(
      String prefix,
      String suffix,
      String description,
      String scope,
      Map<String, Object> schema,
      BiPredicate<String, String> exists) {
    public String template() {
      return prefix + "{id}" + suffix;
    }
  }

  /** A subscription request's verdict: permitted, or rejected with the reason. */
  public record Verdict(String topic, boolean permitted, String reason) {}

  private final Map<String, Kind> kinds = new LinkedHashMap<>();

  public Topics register(Kind kind) {
    kinds.put(kind.template(), kind);
    return this;
  }

  public List<Kind> kinds() {
    return List.copyOf(kinds.values());
  }

  /** Whether {@code principal} may subscribe to {@code topic}, and why not. */
  public Verdict check(Principal principal, String topic) {
    if (topic == null || topic.isBlank()) return new Verdict(topic, false, "the topic id is empty");
    if (topic.length() > MAX_LENGTH)
      return new Verdict(topic, false, "a topic name is at most " + MAX_LENGTH + " characters");
    Optional<Match> match = match(topic);
    if (match.isEmpty()) return new Verdict(topic, false, "unknown topic; see availabletopics");
    Kind kind = match.get().kind();
    String id = match.get().id();
    if (!principal.hasScope(kind.scope()) && !principal.hasScope(kind.scope() + ":readonly"))
      return new Verdict(
          topic, false, "the access token lacks the scope " + kind.scope() + " this topic needs");
    if (!kind.exists().test(principal.orgId(), id))
      return new Verdict(topic, false, "no such entity in this organization: " + id);
    return new Verdict(topic, true, null);
  }

  private record Match(Kind kind, String id) {}

  private Optional<Match> match(String topic) {
    var candidates = new ArrayList<Match>();
    for (Kind k : kinds.values()) {
      if (topic.length() > k.prefix().length() + k.suffix().length()
          && topic.startsWith(k.prefix())
          && topic.endsWith(k.suffix())) {
        String id = topic.substring(k.prefix().length(), topic.length() - k.suffix().length());
        if (ID.matcher(id).matches() && !id.contains(".")) candidates.add(new Match(k, id));
      }
    }
    // v2.users.{id}.conversations and v2.users.{id}.routingStatus share a prefix; ids hold no dot.
    return candidates.stream().findFirst();
  }

  /** A small JSON schema: an object with the given top-level properties. */
  public static Map<String, Object> objectSchema(String title, Map<String, String> properties) {
    var props = new LinkedHashMap<String, Object>();
    properties.forEach((name, type) -> props.put(name, Map.of("type", type)));
    return Map.of("type", "object", "title", title, "properties", props);
  }
}
