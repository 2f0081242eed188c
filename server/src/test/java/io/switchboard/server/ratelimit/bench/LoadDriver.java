package io.switchboard.server.ratelimit.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * A small closed-loop load driver: N workers, each on its own keep-alive HTTP/1.1 connection, send
 * the same GET back to back for a warm-up and then a measured period. Loopback only, bounded in
 * time.
 */
final class LoadDriver {
  record Result(
      long requests,
      long ok,
      long refused,
      long other,
      double seconds,
      long p50Micros,
      long p99Micros) {
    double throughput() {
      return requests / seconds;
    }
  }

  private LoadDriver() {}

  static Result run(URI uri, String token, int connections, Duration warmup, Duration measure)
      throws InterruptedException {
    if (!"127.0.0.1".equals(uri.getHost()) && !"localhost".equals(uri.getHost()))
      throw new IllegalArgumentException("loopback only: " + uri);
    var request =
        HttpRequest.newBuilder(uri)
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build();
    long start = System.nanoTime();
    long measureFrom = start + warmup.toNanos();
    long end = measureFrom + measure.toNanos();
    var workers = new ArrayList<Worker>();
    for (int i = 0; i < connections; i++) {
      // One client per worker: one connection each, as N independent callers would have.
      var w =
          new Worker(
              HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(),
              request,
              measureFrom,
              end);
      workers.add(w);
      w.thread.start();
    }
    for (Worker w : workers) w.thread.join();
    long ok = 0, refused = 0, other = 0;
    var latencies = new ArrayList<long[]>();
    int total = 0;
    for (Worker w : workers) {
      if (w.failure != null) throw new IllegalStateException("worker failed", w.failure);
      ok += w.ok;
      refused += w.refused;
      other += w.other;
      latencies.add(Arrays.copyOf(w.latencies, w.count));
      total += w.count;
      w.client.close();
    }
    long[] all = new long[total];
    int at = 0;
    for (long[] l : latencies) {
      System.arraycopy(l, 0, all, at, l.length);
      at += l.length;
    }
    Arrays.sort(all);
    return new Result(
        ok + refused + other,
        ok,
        refused,
        other,
        measure.toNanos() / 1e9,
        percentile(all, 0.50) / 1000,
        percentile(all, 0.99) / 1000);
  }

  private static long percentile(long[] sorted, double p) {
    return sorted.length == 0
        ? 0
        : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  private static final class Worker implements Runnable {
    final HttpClient client;
    final HttpRequest request;
    final long measureFrom;
    final long end;
    final Thread thread = new Thread(this, "load-worker");
    long ok, refused, other;
    long[] latencies = new long[1 << 14];
    int count;
    Throwable failure;

    Worker(HttpClient client, HttpRequest request, long measureFrom, long end) {
      this.client = client;
      this.request = request;
      this.measureFrom = measureFrom;
      this.end = end;
    }

    @Override
    public void run() {
      try {
        while (true) {
          long t0 = System.nanoTime();
          if (t0 >= end) return;
          HttpResponse<Void> r = client.send(request, HttpResponse.BodyHandlers.discarding());
          long t1 = System.nanoTime();
          if (t0 < measureFrom || t1 > end) continue;
          if (r.statusCode() == 200) ok++;
          else if (r.statusCode() == 429) refused++;
          else other++;
          if (count == latencies.length) latencies = Arrays.copyOf(latencies, count * 2);
          latencies[count++] = t1 - t0;
        }
      } catch (IOException | RuntimeException e) {
        failure = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
