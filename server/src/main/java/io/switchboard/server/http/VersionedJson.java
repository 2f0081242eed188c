package io.switchboard.server.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.javalin.http.Context;
import java.util.function.Supplier;
import tools.jackson.databind.ObjectMapper;

/**
 * The JSON of an entity's views kept by what names one state of it (its id and version), for reads
 * that learn the current version from a small query and would otherwise rebuild and serialise the
 * same view on every request (a draft script's GET, a session's GET). A key must never name two
 * different answers: any change of the entity gives it a new version. Bounded by the bytes held.
 */
public final class VersionedJson<K> {
  private final Cache<K, byte[]> json;
  private final ObjectMapper mapper;

  public VersionedJson(ObjectMapper mapper, long maxBytes) {
    this.mapper = mapper;
    this.json =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .weigher((K key, byte[] bytes) -> bytes.length + 64)
            .build();
  }

  /**
   * Answers with the JSON kept for {@code key} (or 304 for {@code etag}) and true; false when
   * nothing is kept for it, and nothing is written.
   */
  public boolean answerIfKept(Context ctx, K key, String etag) {
    byte[] kept = json.getIfPresent(key);
    if (kept == null) return false;
    Conditional.json(ctx, etag, kept);
    return true;
  }

  /** Answers with {@code view}'s JSON (or 304 for {@code etag}), keeping it under {@code key}. */
  public void answer(Context ctx, K key, String etag, Supplier<?> view) {
    if (ETags.notModified(ctx, etag)) return;
    byte[] bytes = mapper.writeValueAsBytes(view.get());
    json.put(key, bytes);
    Conditional.write(ctx, bytes);
  }
}
