package io.switchboard.server.http;

import io.switchboard.server.identity.Principal;

/**
 * The 200 of a GET route that {@link HotReads} may answer ahead of Javalin: a representation held
 * in memory, with its strong tag. It must be what the route's own handler answers for the same
 * request, byte for byte.
 */
@FunctionalInterface
public interface HotRead {
  /**
   * The answer to an admitted caller for the route's one path parameter, its last segment (as sent:
   * a path with a percent-escape is not a hot read). It throws (a {@code Problem}, or anything
   * else) where the route's handler would not answer 200; the full path then answers that. It must
   * make no change a caller can see (it may fill a cache).
   */
  Answer answer(Principal principal, String parameter);

  /** A JSON body and its strong {@code ETag}, both as sent. */
  record Answer(String etag, byte[] json) {}
}
