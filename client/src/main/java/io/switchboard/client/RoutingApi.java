package io.switchboard.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code /api/v2/routing/queues} (queues and their members) and {@code
 * /api/v2/users/{id}/routingstatus} (an agent's routing status), in Genesys's shapes (scope {@code
 * routing}).
 */
public final class RoutingApi {
  private static final String QUEUES = "/api/v2/routing/queues";

  private final SwitchboardClient client;

  RoutingApi(SwitchboardClient client) {
    this.client = client;
  }

  /**
   * A reference to another entity.
   *
   * @param id its id
   * @param name its name, when the server gives it
   * @param selfUri its path, when the server gives it
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Ref(String id, String name, String selfUri) {}

  /**
   * What creates or replaces a queue (Genesys's QueueRequest, the fields Switchboard uses).
   *
   * @param name its name, unique in the org
   * @param description a description, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record NewQueue(String name, String description) {}

  /**
   * A queue (Genesys's Queue).
   *
   * @param id its id
   * @param name its name
   * @param description its description, or null
   * @param division its division (the org's home division)
   * @param dateCreated when it was created
   * @param dateModified its last change
   * @param memberCount how many members it has
   * @param userMemberCount how many of them are users
   * @param joinedMemberCount how many members are joined
   * @param selfUri its path
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Queue(
      String id,
      String name,
      String description,
      Ref division,
      Instant dateCreated,
      Instant dateModified,
      int memberCount,
      int userMemberCount,
      int joinedMemberCount,
      String selfUri) {}

  /**
   * An agent's routing status (Genesys's RoutingStatus).
   *
   * @param userId the agent
   * @param status {@code OFF_QUEUE}, {@code IDLE}, {@code INTERACTING}, {@code NOT_RESPONDING}...
   * @param startTime since when
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record RoutingStatus(String userId, String status, Instant startTime) {}

  /**
   * A queue's member (Genesys's QueueMember).
   *
   * @param id the user's id
   * @param name the user's name
   * @param user the user
   * @param ringNumber the ring it is offered calls in
   * @param joined whether it is joined
   * @param memberBy how it is a member ({@code user})
   * @param routingStatus its routing status now
   * @param selfUri its path
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record QueueMember(
      String id,
      String name,
      Ref user,
      int ringNumber,
      boolean joined,
      String memberBy,
      RoutingStatus routingStatus,
      String selfUri) {}

  private record MemberRef(String id) {}

  /**
   * Creates a queue. Not retried (the server does not deduplicate it).
   *
   * @param queue its name and description
   * @return the new queue
   */
  public Queue createQueue(NewQueue queue) {
    return client.call(ApiRequest.post(QUEUES, queue), Queue.class);
  }

  /**
   * One queue.
   *
   * @param id the queue's id
   * @return the queue ({@link ApiException.NotFoundException} if not in this org)
   */
  public Queue getQueue(String id) {
    return client.call(ApiRequest.get(path(id)), Queue.class);
  }

  /**
   * Replaces a queue's name and description.
   *
   * @param id the queue's id
   * @param queue the new name and description
   * @return the queue as changed
   */
  public Queue updateQueue(String id, NewQueue queue) {
    return client.call(ApiRequest.put(path(id), queue), Queue.class);
  }

  /**
   * Deletes a queue.
   *
   * @param id the queue's id
   */
  public void deleteQueue(String id) {
    client.send(ApiRequest.delete(path(id)));
  }

  /**
   * One page of the org's queues.
   *
   * @param pageNumber the page, from 1
   * @param pageSize items per page
   * @param name only the queue of this name, or null for all
   * @return the page
   */
  public Page<Queue> listQueues(int pageNumber, int pageSize, String name) {
    var query = "?pageSize=" + pageSize + "&pageNumber=" + pageNumber;
    if (name != null) query += "&name=" + Paths.query(name);
    return client.callPage(ApiRequest.get(QUEUES + query), Queue.class);
  }

  /**
   * Every queue, fetched lazily page by page.
   *
   * @param pageSize items per page
   * @return the queues
   */
  public Stream<Queue> streamQueues(int pageSize) {
    return Pages.stream(n -> listQueues(n, pageSize, null));
  }

  /**
   * One page of a queue's members.
   *
   * @param queueId the queue
   * @param pageNumber the page, from 1
   * @param pageSize items per page
   * @return the page
   */
  public Page<QueueMember> members(String queueId, int pageNumber, int pageSize) {
    return client.callPage(
        ApiRequest.get(
            path(queueId) + "/members?pageSize=" + pageSize + "&pageNumber=" + pageNumber),
        QueueMember.class);
  }

  /**
   * Adds users to a queue (adding a member twice changes nothing; retried safely).
   *
   * @param queueId the queue
   * @param userIds the users to add
   */
  public void addMembers(String queueId, List<String> userIds) {
    client.send(ApiRequest.post(path(queueId) + "/members", refs(userIds)).idempotent());
  }

  /**
   * Removes users from a queue (retried safely).
   *
   * @param queueId the queue
   * @param userIds the users to remove
   */
  public void removeMembers(String queueId, List<String> userIds) {
    client.send(
        ApiRequest.post(path(queueId) + "/members?delete=true", refs(userIds)).idempotent());
  }

  /**
   * Removes one user from a queue.
   *
   * @param queueId the queue
   * @param userId the user to remove
   */
  public void removeMember(String queueId, String userId) {
    client.send(ApiRequest.delete(path(queueId) + "/members/" + Paths.segment(userId)));
  }

  /**
   * An agent's routing status ({@code OFF_QUEUE} when never set).
   *
   * @param userId the agent
   * @return its status
   */
  public RoutingStatus routingStatus(String userId) {
    return client.call(
        ApiRequest.get("/api/v2/users/" + Paths.segment(userId) + "/routingstatus"),
        RoutingStatus.class);
  }

  /**
   * Sets an agent's routing status: {@code IDLE} or {@code OFF_QUEUE} (the others follow from
   * calls: {@link ApiException.InvalidRequestException}); {@code IDLE} while on a live call is
   * {@link ApiException.ConflictException} {@code routing.agent.on.call}.
   *
   * @param userId the agent
   * @param status {@code IDLE} or {@code OFF_QUEUE}
   * @return the status as set
   */
  public RoutingStatus setRoutingStatus(String userId, String status) {
    return client.call(
        ApiRequest.put(
            "/api/v2/users/" + Paths.segment(userId) + "/routingstatus", Map.of("status", status)),
        RoutingStatus.class);
  }

  private static List<MemberRef> refs(List<String> userIds) {
    return userIds.stream().map(MemberRef::new).toList();
  }

  private static String path(String id) {
    return QUEUES + "/" + Paths.segment(id);
  }
}
