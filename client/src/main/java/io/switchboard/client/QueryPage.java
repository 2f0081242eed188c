package io.switchboard.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * One answer of a {@code .../query} endpoint: items and the opaque token for the next ones (null at
 * the end). {@link Pages#streamQuery} walks all of them.
 *
 * @param entities this answer's items
 * @param continuationToken pass it back to get the next items; null when there are no more
 * @param <T> the item type
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record QueryPage<T>(List<T> entities, String continuationToken) {
  /** An absent {@code entities} reads as an empty list. */
  public QueryPage {
    entities = entities == null ? List.of() : List.copyOf(entities);
  }
}
