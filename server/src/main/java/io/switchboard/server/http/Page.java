package io.switchboard.server.http;

import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** A Genesys page-number listing: entities plus the paging fields and URIs. */
public record Page<T>(
    List<T> entities,
    int pageSize,
    int pageNumber,
    long total,
    int pageCount,
    String firstUri,
    String nextUri,
    String previousUri,
    String lastUri,
    String selfUri) {

  public static final int DEFAULT_PAGE_SIZE = 25;
  public static final int MAX_PAGE_SIZE = 500;

  /**
   * The page the request asks for: {@code pageSize} (1..500, default 25) and {@code pageNumber}
   * (from 1).
   */
  public record Request(int pageSize, int pageNumber) {
    public int offset() {
      return (pageNumber - 1) * pageSize;
    }

    public static Request of(Context ctx) {
      return of(ctx, DEFAULT_PAGE_SIZE);
    }

    /**
     * With a default page size of the listing's own: an unpaged Genesys listing (its SDK sends no
     * {@code pageSize}) answers its largest page unasked.
     */
    public static Request of(Context ctx, int defaultPageSize) {
      int size = Requests.intQuery(ctx, "pageSize", defaultPageSize, 1, MAX_PAGE_SIZE);
      int number = Requests.intQuery(ctx, "pageNumber", 1, 1, 1_000_000);
      return new Request(size, number);
    }
  }

  public <R> Page<R> map(Function<T, R> f) {
    return new Page<>(
        entities.stream().map(f).toList(),
        pageSize,
        pageNumber,
        total,
        pageCount,
        firstUri,
        nextUri,
        previousUri,
        lastUri,
        selfUri);
  }

  /** Builds the page with URIs that keep the request's other query parameters. */
  public static <T> Page<T> of(Context ctx, Request request, List<T> entities, long total) {
    int pageCount = (int) Math.max(1, (total + request.pageSize() - 1) / request.pageSize());
    String path = ctx.path();
    var others = new StringBuilder();
    for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
      if (e.getKey().equals("pageSize") || e.getKey().equals("pageNumber")) continue;
      for (String v : e.getValue()) {
        others.append('&').append(enc(e.getKey())).append('=').append(enc(v));
      }
    }
    Function<Integer, String> uri =
        n -> path + "?pageSize=" + request.pageSize() + "&pageNumber=" + n + others;
    int n = request.pageNumber();
    return new Page<>(
        entities,
        request.pageSize(),
        n,
        total,
        pageCount,
        uri.apply(1),
        n < pageCount ? uri.apply(n + 1) : null,
        n > 1 ? uri.apply(Math.min(n - 1, pageCount)) : null,
        uri.apply(pageCount),
        uri.apply(n));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
