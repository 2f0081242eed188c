package io.switchboard.client;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client-side adaptive pacer: spaces one client's requests to the rate the server announces, so
 * that a burst waits its turn here instead of meeting 429s there (AWS SDK v2's adaptive retry mode
 * guesses the rate from the throttling it meets; Switchboard tells it).
 *
 * <p>Every {@code /api/v2} answer names the bucket with the least room ({@code RateLimit-Policy:
 * "token";q=60;w=60}) and its remaining tokens ({@code RateLimit: "token";r=3;t=1}). The pacer
 * keeps a local token bucket per bucket name (one client is one org and one token, so per org and
 * bucket): capacity {@code q}, one token back every {@code w/q} seconds, as the server's greedy
 * refill. Each request reserves a token from every bucket that applies to it ({@code token}, {@code
 * client}, {@code org}: all requests; {@code group:X}: requests of the path family the server named
 * it for, the first path segment under {@code /api/v2}) and waits for the latest of its
 * reservations. A reservation that would end past the call's deadline is not taken: the call fails
 * at once without sending.
 *
 * <p>The local estimate follows the server downwards: after each answer a bucket's tokens become at
 * most the server's {@code r} minus the reservations still outstanding (taken, not yet answered),
 * so other clients spending the same bucket slow this one down. It never rises on the server's
 * word, only by its own refill (an answer may be overtaken by a later one, and would give back
 * tokens already spent): the estimate stays at or below the truth, and a paced client does not meet
 * a 429 unless another client spends the bucket between two answers. A reservation given back
 * (nothing was sent) returns its token. Until the first answer tells the limits, the first request
 * goes alone and the others wait for its answer (within their deadlines), so even the very first
 * burst is paced. A conditional GET ({@code If-None-Match}) is not paced: its 304 is free.
 */
final class RateLimitPacer {
  private static final Pattern ITEM =
      Pattern.compile("\"([^\"]+)\"((?:\\s*;\\s*[a-zA-Z]+\\s*=\\s*[0-9]+)*)");
  private static final Pattern PARAM = Pattern.compile("([a-zA-Z]+)\\s*=\\s*([0-9]+)");

  private final Clock clock;
  private final Counters counters;
  private final Object lock = new Object();
  private final Map<String, Bucket> buckets = new HashMap<>();
  private final Map<String, String> familyGroups = new HashMap<>();
  private boolean learned;
  private CompletableFuture<Void> probe;

  RateLimitPacer(Clock clock, Counters counters) {
    this.clock = clock;
    this.counters = counters;
  }

  /** One local bucket: its announced policy and the estimate of its tokens (negative: owed). */
  private static final class Bucket {
    long quota;
    long windowSeconds;
    double tokens;
    long atNanos;
    int outstanding;

    double nanosPerToken() {
      return windowSeconds * 1e9 / quota;
    }

    void refill(long nowNanos) {
      if (nowNanos > atNanos) {
        tokens = Math.min(quota, tokens + (nowNanos - atNanos) / nanosPerToken());
        atNanos = nowNanos;
      }
    }
  }

  /** A request's place: the buckets it reserved from, and whether it is the learning probe. */
  final class Ticket {
    private final String family;
    private final List<Bucket> reserved;
    private final boolean probing;
    private boolean done;
    private Duration waited = Duration.ZERO;

    /** How long this request waited for its turn. */
    Duration waited() {
      return waited;
    }

    private Ticket(String family, List<Bucket> reserved, boolean probing) {
      this.family = family;
      this.reserved = reserved;
      this.probing = probing;
    }

    /**
     * The answer arrived ({@code headers}) or none will (null): the reservations end and the
     * estimate follows the server's word.
     */
    void complete(int status, HttpHeaders headers) {
      CompletableFuture<Void> finishedProbe = null;
      synchronized (lock) {
        if (done) return;
        done = true;
        for (Bucket b : reserved) b.outstanding--;
        if (headers != null) learn(family, status, headers);
        if (probing) {
          if (headers != null) learned = true;
          finishedProbe = probe;
          probe = null;
        }
      }
      if (finishedProbe != null) finishedProbe.complete(null);
    }

    /** Nothing was sent: the reservations are given back. */
    void cancel() {
      CompletableFuture<Void> finishedProbe = null;
      synchronized (lock) {
        if (done) return;
        done = true;
        long now = nanos();
        for (Bucket b : reserved) {
          b.refill(now);
          b.outstanding--;
          b.tokens = Math.min(b.quota, b.tokens + 1);
        }
        if (probing) {
          finishedProbe = probe;
          probe = null;
        }
      }
      if (finishedProbe != null) finishedProbe.complete(null);
    }
  }

  /** The call cannot be sent in time: the pacer's wait would end past its deadline. */
  static final class TooLate extends Exception {
    final Duration wait;

    TooLate(Duration wait) {
      super(null, null, false, false);
      this.wait = wait;
    }
  }

  /**
   * Waits for this request's turn and returns its ticket (to be completed with the answer or
   * cancelled). {@code free} requests (conditional reads) take no token.
   *
   * @throws TooLate when the turn would come after {@code deadline}; nothing was reserved
   */
  Ticket acquire(String path, boolean free, Instant deadline) throws TooLate, InterruptedException {
    String family = family(path);
    while (true) {
      CompletableFuture<Void> waitFor;
      Ticket ticket;
      long waitNanos = 0;
      synchronized (lock) {
        if (!learned && probe == null) {
          probe = new CompletableFuture<>();
          return new Ticket(family, List.of(), true);
        }
        if (!learned) {
          waitFor = probe;
          ticket = null;
        } else {
          waitFor = null;
          var applicable = applicable(family);
          if (free || applicable.isEmpty()) return new Ticket(family, List.of(), false);
          long now = nanos();
          for (Bucket b : applicable) {
            b.refill(now);
            double after = b.tokens - 1;
            if (after < 0)
              waitNanos = Math.max(waitNanos, (long) Math.ceil(-after * b.nanosPerToken()));
          }
          if (now + waitNanos > nanosAt(deadline)) throw new TooLate(Duration.ofNanos(waitNanos));
          for (Bucket b : applicable) {
            b.tokens -= 1;
            b.outstanding++;
          }
          ticket = new Ticket(family, applicable, false);
        }
      }
      if (waitFor != null) {
        awaitProbe(waitFor, deadline);
        continue;
      }
      if (waitNanos > 0) {
        counters.paced.increment();
        counters.pacedNanos.add(waitNanos);
        try {
          TimeUnit.NANOSECONDS.sleep(waitNanos);
        } catch (InterruptedException e) {
          ticket.cancel();
          throw e;
        }
        ticket.waited = Duration.ofNanos(waitNanos);
      }
      return ticket;
    }
  }

  private void awaitProbe(CompletableFuture<Void> probe, Instant deadline)
      throws TooLate, InterruptedException {
    long left = nanosAt(deadline) - nanos();
    try {
      if (left <= 0) throw new TimeoutException();
      probe.get(left, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new TooLate(Duration.ZERO);
    } catch (ExecutionException e) {
      // a probe never completes exceptionally; the loop looks again
    }
  }

  /** The buckets a request of {@code family} draws from, as far as the server has named them. */
  private List<Bucket> applicable(String family) {
    var list = new ArrayList<Bucket>();
    String group = familyGroups.get(family);
    buckets.forEach((name, b) -> {
      if (!name.startsWith("group:") || name.equals(group)) list.add(b);
    });
    return list;
  }

  /** Follows the server's word on the bucket it named (caller holds the lock). */
  private void learn(String family, int status, HttpHeaders headers) {
    Optional<RateLimitStatus> told = announced(headers);
    if (told.isEmpty()) {
      // A 2xx without rate-limit headers: no bucket applies to this family any more (all limits
      // off).
      if (status >= 200 && status < 300) {
        buckets.keySet().removeIf(name -> !name.startsWith("group:"));
        String group = familyGroups.remove(family);
        if (group != null && !familyGroups.containsValue(group)) buckets.remove(group);
        learned = true;
      }
      return;
    }
    String name = told.get().bucket();
    long quota = told.get().limit();
    long window = told.get().window().toSeconds();
    long remaining = told.get().remaining();
    learned = true;
    if (name.startsWith("group:")) familyGroups.put(family, name);
    long now = nanos();
    Bucket b = buckets.get(name);
    if (b == null) {
      b = new Bucket();
      b.atNanos = now;
      b.tokens = Double.MAX_VALUE;
      buckets.put(name, b);
    }
    b.quota = quota;
    b.windowSeconds = window;
    b.refill(now);
    b.tokens = Math.min(b.tokens, Math.min(quota, remaining) - b.outstanding);
  }

  /**
   * The bucket an answer names: {@code RateLimit-Policy} and {@code RateLimit}
   * (draft-ietf-httpapi-ratelimit-headers-10, as Switchboard sends them), else Genesys's {@code
   * inin-ratelimit-allowed} and {@code inin-ratelimit-count} (a per-minute limit, unnamed).
   */
  static Optional<RateLimitStatus> announced(HttpHeaders headers) {
    Optional<String> policy = headers.firstValue("RateLimit-Policy");
    if (policy.isPresent()) {
      Matcher p = ITEM.matcher(policy.get());
      if (!p.find()) return Optional.empty();
      String name = p.group(1);
      Map<String, Long> params = params(p.group(2));
      Long quota = params.get("q");
      Long window = params.get("w");
      if (quota == null || window == null || quota <= 0 || window <= 0) return Optional.empty();
      long remaining = quota;
      Optional<String> state = headers.firstValue("RateLimit");
      if (state.isPresent()) {
        Matcher s = ITEM.matcher(state.get());
        while (s.find()) {
          if (s.group(1).equals(name)) {
            remaining = params(s.group(2)).getOrDefault("r", quota);
            break;
          }
        }
      }
      return Optional.of(new RateLimitStatus(name, quota, Duration.ofSeconds(window), remaining));
    }
    Optional<Long> allowed = number(headers.firstValue("inin-ratelimit-allowed"));
    Optional<Long> count = number(headers.firstValue("inin-ratelimit-count"));
    if (allowed.isEmpty() || allowed.get() <= 0) return Optional.empty();
    return Optional.of(
        new RateLimitStatus(
            "inin",
            allowed.get(),
            Duration.ofSeconds(60),
            Math.max(0, allowed.get() - count.orElse(0L))));
  }

  private static Optional<Long> number(Optional<String> value) {
    try {
      return value.map(v -> Long.parseLong(v.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Map<String, Long> params(String text) {
    var out = new HashMap<String, Long>();
    Matcher m = PARAM.matcher(text);
    while (m.find()) {
      try {
        out.put(m.group(1), Long.parseLong(m.group(2)));
      } catch (NumberFormatException ignored) {
        // out of range: left out
      }
    }
    return out;
  }

  /** The first path segment under {@code /api/v2}: the unit the server's endpoint groups use. */
  static String family(String path) {
    String p = path;
    int q = p.indexOf('?');
    if (q >= 0) p = p.substring(0, q);
    if (p.startsWith("/api/v2/")) p = p.substring("/api/v2/".length());
    int slash = p.indexOf('/');
    return slash < 0 ? p : p.substring(0, slash);
  }

  private long nanos() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private static long nanosAt(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
