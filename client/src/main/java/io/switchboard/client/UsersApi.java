package io.switchboard.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.stream.Stream;

/** {@code /api/v2/users}: the org's directory of agents (scope {@code users}). */
public final class UsersApi {
  private static final String BASE = "/api/v2/users";

  private final SwitchboardClient client;

  UsersApi(SwitchboardClient client) {
    this.client = client;
  }

  /**
   * An agent.
   *
   * @param id the user id
   * @param name the display name
   * @param email the e-mail address (also the username)
   * @param username the username
   * @param department the department
   * @param title the job title
   * @param state {@code active} or another directory state
   * @param version rises with every change
   * @param dateCreated when it was created
   * @param selfUri its path
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record User(
      String id,
      String name,
      String email,
      String username,
      String department,
      String title,
      String state,
      long version,
      Instant dateCreated,
      String selfUri) {}

  /**
   * What creates an agent.
   *
   * @param name the display name
   * @param email the e-mail address, unique in the org
   * @param department optional
   * @param title optional
   */
  public record NewUser(String name, String email, String department, String title) {}

  /**
   * Creates an agent. Not retried (no idempotency key on this endpoint).
   *
   * @param user the user
   * @return the new agent
   */
  public User create(NewUser user) {
    return client.call(ApiRequest.post(BASE, user), User.class);
  }

  /**
   * One agent.
   *
   * @param id the user's id
   * @return the agent ({@link ApiException.NotFoundException} if not in this org)
   */
  public User get(String id) {
    return client.call(ApiRequest.get(BASE + "/" + Paths.segment(id)), User.class);
  }

  /**
   * Deletes an agent (its state becomes {@code deleted}; it leaves the listing). Not retried.
   *
   * @param id the user's id
   */
  public void delete(String id) {
    client.send(ApiRequest.delete(BASE + "/" + Paths.segment(id)));
  }

  /**
   * One page of agents.
   *
   * @param pageNumber the page, from 1
   * @param pageSize items per page
   * @return the page
   */
  public Page<User> list(int pageNumber, int pageSize) {
    return client.call(
        ApiRequest.get(BASE + "?pageSize=" + pageSize + "&pageNumber=" + pageNumber),
        client.pageOf(User.class));
  }

  /**
   * Every agent, fetched lazily.
   *
   * @param pageSize items per page
   * @return the items, fetched lazily
   */
  public Stream<User> stream(int pageSize) {
    return Pages.stream(n -> list(n, pageSize));
  }
}
