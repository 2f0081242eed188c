package io.switchboard.server.users;

import io.switchboard.server.errors.Checks;
import io.switchboard.server.errors.Problem;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** The org's agent directory: just enough for conversations to have real agents. */
public final class UserService {
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

  private final UserStore store;
  private final Clock clock;

  public UserService(UserStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  public record NewUser(String name, String email, String department, String title) {}

  public User create(String orgId, NewUser request) {
    String name = Checks.requiredText("name", request.name(), 200);
    String email = Checks.requiredText("email", request.email(), 254);
    if (!EMAIL.matcher(email).matches()) throw Problem.invalid("email", "must be an email address");
    Instant now = clock.instant();
    var user =
        new User(
            UUID.randomUUID().toString(),
            orgId,
            name,
            email,
            Checks.optionalText("department", request.department(), 200),
            Checks.optionalText("title", request.title(), 200),
            "active",
            1,
            now,
            now);
    if (!store.insert(user)) {
      throw new Problem(
          Problem.Kind.CONFLICT,
          "user.email.taken",
          "A user with the email " + email + " already exists",
          Map.of("email", email));
    }
    return user;
  }

  /**
   * Genesys's delete: the user's state becomes {@code deleted}; it leaves the listing but stays
   * readable by id, as ended conversations still name it. Deleting it again is 404.
   */
  public void delete(String orgId, String id) {
    if (!store.markDeleted(orgId, id, clock.instant())) throw Problem.notFound("User", id);
  }

  public User get(String orgId, String id) {
    return store.find(orgId, id).orElseThrow(() -> Problem.notFound("User", id));
  }

  /** The user, if it exists in the org: for other features checking a reference. */
  public Optional<User> find(String orgId, String id) {
    return id == null ? Optional.empty() : store.find(orgId, id);
  }

  public Optional<User> findByEmail(String orgId, String email) {
    return store.findByEmail(orgId, email);
  }

  public List<User> list(String orgId, int offset, int limit) {
    return store.list(orgId, offset, limit);
  }

  public long count(String orgId) {
    return store.count(orgId);
  }
}
