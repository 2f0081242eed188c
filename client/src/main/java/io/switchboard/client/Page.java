package io.switchboard.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * One page of a Genesys page-number listing. {@link Pages#stream} walks all of them.
 *
 * @param entities this page's items
 * @param pageSize the page size the server used
 * @param pageNumber this page's number, from 1
 * @param total items in the whole listing
 * @param pageCount pages in the whole listing
 * @param nextUri the next page's path and query, or null on the last page
 * @param selfUri this page's path and query
 * @param <T> the item type
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Page<T>(
    List<T> entities,
    int pageSize,
    int pageNumber,
    long total,
    int pageCount,
    String nextUri,
    String selfUri) {
  /** An absent {@code entities} reads as an empty list. */
  public Page {
    entities = entities == null ? List.of() : List.copyOf(entities);
  }

  /**
   * True when a page follows this one.
   *
   * @return whether there is a next page
   */
  public boolean hasNext() {
    return !entities.isEmpty() && pageNumber < pageCount;
  }
}
