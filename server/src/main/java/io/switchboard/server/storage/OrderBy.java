package io.switchboard.server.storage;

/**
 * The {@code order by} of a listing: its columns, all ascending or all descending. The last column
 * is a unique key, so that pages of equal sort values stay in the same order from page to page.
 */
public final class OrderBy {
  private OrderBy() {}

  /** {@code " order by a asc, id asc"}; the columns are the store's own, never a caller's text. */
  public static String of(boolean ascending, String... columns) {
    String direction = ascending ? " asc" : " desc";
    return " order by " + String.join(direction + ", ", columns) + direction;
  }
}
