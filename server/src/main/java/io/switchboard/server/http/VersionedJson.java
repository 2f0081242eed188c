package io.switchboard.server.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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

  /** The JSON kept for {@code key}, or null. */
  public byte[] kept(K key) {
    return json.getIfPresent(key);
  }

  /** {@code view}'s JSON, kept under {@code key}. */
  public byte[] keep(K key, Object view) {
    byte[] bytes = mapper.writeValueAsBytes(view);
    json.put(key, bytes);
    return bytes;
  }
}
