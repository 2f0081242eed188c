package io.switchboard.client;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Lazy streams over both paging styles. Pages are fetched as the stream is consumed, one at a time,
 * each with the client's deadline and retry rules; stopping early ({@code limit}, {@code
 * findFirst}) fetches no further page.
 *
 * <pre>{@code
 * long n = client.scripts().stream(100).filter(s -> s.name().startsWith("Sales")).count();
 * }</pre>
 */
public final class Pages {
  /** A guard against a server that never ends a listing. */
  static final int MAX_PAGES = 100_000;

  private Pages() {}

  /**
   * All items of a page-number listing: {@code fetch} is called with 1, 2, ... until a page is the
   * last ({@code pageNumber >= pageCount}) or empty.
   *
   * @param <T> the item type
   * @param fetch fetches one page
   * @return the items, fetched lazily
   */
  public static <T> Stream<T> stream(IntFunction<Page<T>> fetch) {
    return flatten(
        new Walk<T>() {
          int next = 1;

          @Override
          List<T> fetchNext() {
            Page<T> page = fetch.apply(next++);
            done = !page.hasNext();
            return page.entities();
          }
        });
  }

  /**
   * All items of a continuation-token query: {@code fetch} is called with null, then with each
   * answer's {@code continuationToken}, until it is null. A token the server repeats is an error,
   * not an endless loop.
   *
   * @param <T> the item type
   * @param fetch fetches one page
   * @return the items, fetched lazily
   */
  public static <T> Stream<T> streamQuery(Function<String, QueryPage<T>> fetch) {
    return flatten(
        new Walk<T>() {
          String token;

          @Override
          List<T> fetchNext() {
            QueryPage<T> page = fetch.apply(token);
            String following = page.continuationToken();
            if (following != null && following.equals(token))
              throw new SwitchboardException(
                  "the server returned the same continuation token twice");
            token = following;
            done = following == null || following.isEmpty();
            return page.entities();
          }
        });
  }

  /**
   * Pages fetched one at a time until {@code done}; a listing that never ends is cut at {@link
   * #MAX_PAGES}.
   */
  private abstract static class Walk<T> implements Iterator<Iterator<T>> {
    boolean done;
    private int pages;

    abstract List<T> fetchNext();

    @Override
    public boolean hasNext() {
      return !done;
    }

    @Override
    public Iterator<T> next() {
      if (done) throw new NoSuchElementException();
      if (++pages > MAX_PAGES)
        throw new SwitchboardException("listing did not end after " + MAX_PAGES + " pages");
      return fetchNext().iterator();
    }
  }

  private static <T> Stream<T> flatten(Iterator<Iterator<T>> pages) {
    Iterator<T> items =
        new Iterator<>() {
          Iterator<T> current = java.util.Collections.emptyIterator();

          @Override
          public boolean hasNext() {
            while (!current.hasNext()) {
              if (!pages.hasNext()) return false;
              current = pages.next();
            }
            return true;
          }

          @Override
          public T next() {
            if (!hasNext()) throw new NoSuchElementException();
            return current.next();
          }
        };
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(items, Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }
}
