package io.switchboard.server.identity;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Every org has exactly one division, {@code Home}, whose id is derived from the org's id (so it
 * needs no row and exists for every org, old or new). {@code "home"} is accepted as its alias.
 */
public final class Divisions {
  private Divisions() {}

  public static final String HOME_NAME = "Home";
  public static final String HOME_ALIAS = "home";

  public static String homeId(String orgId) {
    return UUID.nameUUIDFromBytes(
            ("switchboard/division/home/" + orgId).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** True when {@code id} names the org's home division (its id or the alias). */
  public static boolean isHome(String orgId, String id) {
    return id != null && (id.equals(HOME_ALIAS) || id.equals(homeId(orgId)));
  }

  /** Genesys's {@code Division} reference, as users, wrap-up codes and scripts carry it. */
  public record Ref(String id, String name, String selfUri) {}

  public static Ref home(String orgId) {
    String id = homeId(orgId);
    return new Ref(id, HOME_NAME, "/api/v2/authorization/divisions/" + id);
  }
}
