package io.switchboard.server.users;

import io.switchboard.server.errors.Checks;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.identity.Passwords;
import io.switchboard.server.identity.UserAccounts;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** The org's agent directory: just enough for conversations to have real agents. */
public final class UserService implements UserAccounts {
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

  private final UserStore store;
  private final Clock clock;
  private final Passwords passwords;

  public UserService(UserStore store, Passwords passwords, Clock clock) {
    this.store = store;
    this.passwords = passwords;
    this.clock = clock;
  }

  /**
   * Genesys's {@code CreateUser}; {@code password} is optional (a user without one cannot sign in).
   */
  public record NewUser(
      String name, String email, String department, String title, String password) {
    public NewUser(String name, String email, String department, String title) {
      this(name, email, department, title, null);
    }

    @Override
    public String toString() {
      return "NewUser[name=" + name + ", email=" + email + "]";
    }
  }

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
    String hash =
        request.password() == null ? null : passwords.hash("password", request.password());
    if (!store.insert(user, hash)) {
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

  /** Sets (or replaces) the user's password. */
  public void setPassword(String orgId, String id, String newPassword) {
    String hash = passwords.hash("newPassword", newPassword);
    if (!store.setPasswordHash(orgId, id, hash, clock.instant()))
      throw Problem.notFound("User", id);
  }

  /** A user changing its own password proves the old one first. */
  public void changeOwnPassword(String orgId, String id, String oldPassword, String newPassword) {
    var account = findActive(orgId, id).orElseThrow(() -> Problem.notFound("User", id));
    if (!passwords.matches(oldPassword, account.passwordHash()))
      throw new Problem(
          Problem.Kind.BAD_REQUEST,
          "password.mismatch",
          "oldPassword is not the user's current password",
          Map.of("field", "oldPassword"));
    setPassword(orgId, id, newPassword);
  }

  @Override
  public Optional<Account> findActive(String orgId, String userId) {
    return userId == null ? Optional.empty() : store.findAccount(orgId, "id", userId);
  }

  @Override
  public Optional<Account> findActiveByUsername(String orgId, String username) {
    if (username == null || username.isBlank() || username.length() > 254) return Optional.empty();
    return store.findAccount(
        orgId, "email_lower", username.trim().toLowerCase(java.util.Locale.ROOT));
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

  /**
   * Users in {@code state} (null: any), by name; only {@code ids} when not null (an empty set:
   * none).
   */
  public List<User> list(
      String orgId, String state, Set<String> ids, boolean ascending, int offset, int limit) {
    return store.list(orgId, state, ids, ascending, offset, limit);
  }

  public long count(String orgId, String state, Set<String> ids) {
    return store.count(orgId, state, ids);
  }
}
