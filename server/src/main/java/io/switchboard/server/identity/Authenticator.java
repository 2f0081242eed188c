package io.switchboard.server.identity;

/** Turns a bearer token into a {@link Principal}, or throws a 401 {@code Problem}. */
public interface Authenticator {
  Principal authenticate(String bearerToken);
}
