package io.switchboard.cli.load;

import io.switchboard.client.ApiException;
import io.switchboard.client.ApiRequest;
import io.switchboard.client.ApiResponse;
import io.switchboard.client.ClientInterceptor;
import io.switchboard.client.ClientListener;
import io.switchboard.client.SessionsApi.NewSession;
import io.switchboard.client.SessionsApi.Session;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.client.SwitchboardException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writers through the client library and the balancer, for a while: each owns one session and
 * merge-patches its {@code seq} up by one per write, and every fifth write is a keyed session
 * creation instead. The caller injects a fault meanwhile (kills a node, stops PostgreSQL or Redis).
 * Then it verifies: every acknowledged patch is in the session (the stored {@code seq} is at least
 * the last acknowledged one), every acknowledged creation is stored, and no key made two sessions.
 * It prints the answers each try got (by status, 503s with and without {@code Retry-After}, the
 * balancer's own), the calls that failed in the end, and the longest time without an acknowledged
 * write.
 */
final class ClusterWrites {
  private static final int CREATE_EVERY = 5;
  private static final Duration PAUSE_AFTER_FAILURE = Duration.ofMillis(100);

  private final String baseUrl;
  private final Fixture.Credentials admin;
  private final int writers;
  private final Duration duration;
  private final String label;

  private final Map<Integer, AtomicInteger> triesByStatus = new ConcurrentSkipListMap<>();
  private final Map<String, AtomicInteger> errorCodes = new ConcurrentSkipListMap<>();
  private final AtomicInteger unavailableWithRetryAfter = new AtomicInteger();
  private final AtomicInteger unavailableWithout = new AtomicInteger();
  private final AtomicInteger retries = new AtomicInteger();
  private final Map<String, AtomicInteger> failed = new ConcurrentSkipListMap<>();
  private final AtomicLong lastAck = new AtomicLong();
  private final AtomicLong longestGap = new AtomicLong();
  private final AtomicLong gapEndedAt = new AtomicLong();

  ClusterWrites(
      String baseUrl, Fixture.Credentials admin, int writers, Duration duration, String label) {
    this.baseUrl = baseUrl;
    this.admin = admin;
    this.writers = writers;
    this.duration = duration;
    this.label = label;
  }

  boolean run(PrintStream out) throws Exception {
    String runId = UUID.randomUUID().toString().substring(0, 8);
    ClusterSetup setup;
    List<String> sessions = new ArrayList<>();
    try (var admin = client(Duration.ofSeconds(30), false)) {
      setup = ClusterSetup.create(admin, runId, writers);
      for (int w = 0; w < writers; w++)
        sessions.add(
            admin
                .sessions()
                .create(
                    new NewSession(
                        setup.scriptId(),
                        setup.conversationIds().get(w),
                        setup.agentId(),
                        Map.of("seq", 0)))
                .id());
    }
    out.printf("%s: setup done, writing for %d s%n", label, duration.toSeconds());
    out.flush();
    long[] acked = new long[writers];
    long[] attempted = new long[writers];
    Set<String> ackedKeys = ConcurrentHashMap.newKeySet();
    Set<String> unknownKeys = ConcurrentHashMap.newKeySet();
    var patches = new AtomicInteger();
    var creations = new AtomicInteger();
    long started = System.nanoTime();
    long end = started + duration.toNanos();
    lastAck.set(started);
    try (var client = client(Duration.ofSeconds(10), true);
        var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int w = 0; w < writers; w++) {
        int writer = w;
        pool.submit(() -> {
          for (int i = 1; System.nanoTime() < end; i++) {
            if (i % CREATE_EVERY == 0) {
              String key = SwitchboardClient.newIdempotencyKey();
              try {
                client
                    .sessions()
                    .create(
                        new NewSession(
                            setup.scriptId(),
                            setup.conversationIds().get(writer),
                            setup.agentId(),
                            Map.of("tag", key)),
                        key);
                ackedKeys.add(key);
                creations.incrementAndGet();
                acknowledged();
              } catch (SwitchboardException e) {
                fail(e);
                if (e.mayHaveLanded()) unknownKeys.add(key);
              }
            } else {
              long seq = attempted[writer] + 1;
              attempted[writer] = seq;
              try {
                client.sessions().patch(sessions.get(writer), Map.of("seq", seq));
                acked[writer] = seq;
                patches.incrementAndGet();
                acknowledged();
              } catch (SwitchboardException e) {
                fail(e);
              }
            }
          }
        });
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    long now = System.nanoTime();
    long tail = (now - lastAck.get()) / 1_000_000;
    if (tail > longestGap.get()) {
      // No acknowledged write since then until the end of the run.
      longestGap.set(tail);
      gapEndedAt.set(now);
    }

    // Verification, through a patient client: the cluster may still be coming back.
    int lostPatches = 0;
    int lostCreations = 0;
    int doubled = 0;
    int unknownLanded = 0;
    try (var verify = client(Duration.ofSeconds(60), false)) {
      for (int w = 0; w < writers; w++) {
        Session s = verify.sessions().get(sessions.get(w));
        Object stored = s.data().get("seq");
        long value = stored instanceof Number n ? n.longValue() : -1;
        if (value < acked[w]) lostPatches++;
      }
      Map<String, Integer> stored = new HashMap<>();
      for (String conversation : setup.conversationIds()) {
        verify
            .sessions()
            .streamForConversation(conversation, 100)
            .forEach(s -> {
              Object tag = s.data().get("tag");
              if (tag != null) stored.merge(tag.toString(), 1, Integer::sum);
            });
      }
      for (String key : ackedKeys) if (!stored.containsKey(key)) lostCreations++;
      for (var e : stored.entrySet()) {
        if (e.getValue() > 1) doubled++;
        if (unknownKeys.contains(e.getKey())) unknownLanded++;
      }
    }
    int failedCalls = failed.values().stream().mapToInt(AtomicInteger::get).sum();
    int fiveHundreds = triesByStatus.getOrDefault(500, new AtomicInteger()).get();
    out.printf(
        "%s: %d writers, %.1f s: %d patches and %d keyed creations acknowledged (%.0f/s), %d calls"
            + " failed in the end %s%n",
        label,
        writers,
        seconds,
        patches.get(),
        creations.get(),
        (patches.get() + creations.get()) / seconds,
        failedCalls,
        failed);
    out.printf(
        "%s: tries by status %s; retries %d; 503 with Retry-After %d, without %d; error codes %s%n",
        label,
        new TreeMap<>(triesByStatus),
        retries.get(),
        unavailableWithRetryAfter.get(),
        unavailableWithout.get(),
        errorCodes);
    out.printf(
        "%s: longest time without an acknowledged write %d ms (ended %.1f s into the run)%n",
        label, longestGap.get(), (gapEndedAt.get() == 0 ? 0 : (gapEndedAt.get() - started)) / 1e9);
    out.printf(
        "%s: verified: acknowledged patches lost %d (of %d writers' last values), acknowledged"
            + " creations lost %d (of %d), keys stored twice %d, unacknowledged keys that landed %d"
            + " (of %d)%n",
        label,
        lostPatches,
        writers,
        lostCreations,
        ackedKeys.size(),
        doubled,
        unknownLanded,
        unknownKeys.size());
    boolean ok = lostPatches == 0 && lostCreations == 0 && doubled == 0 && fiveHundreds == 0;
    out.printf(
        "{\"run\":\"%s\",\"seconds\":%.1f,\"patches\":%d,\"creations\":%d,\"failedCalls\":%d,"
            + "\"http500\":%d,\"unavailableWithRetryAfter\":%d,\"unavailableWithout\":%d,"
            + "\"retries\":%d,\"longestGapMs\":%d,\"lostPatches\":%d,\"lostCreations\":%d,"
            + "\"doubled\":%d,\"pass\":%s}%n",
        label,
        seconds,
        patches.get(),
        creations.get(),
        failedCalls,
        fiveHundreds,
        unavailableWithRetryAfter.get(),
        unavailableWithout.get(),
        retries.get(),
        longestGap.get(),
        lostPatches,
        lostCreations,
        doubled,
        ok);
    out.println(label + ": " + (ok ? "PASS" : "FAIL"));
    return ok;
  }

  private void acknowledged() {
    long now = System.nanoTime();
    long before = lastAck.getAndSet(now);
    long gap = (now - before) / 1_000_000;
    if (gap > longestGap.get()) {
      longestGap.set(gap);
      gapEndedAt.set(now);
    }
  }

  /**
   * Counts a call that failed in the end and pauses its writer a little, so that calls refused at
   * once (an open circuit breaker) do not spin.
   */
  private void fail(SwitchboardException e) {
    java.util.concurrent.locks.LockSupport.parkNanos(PAUSE_AFTER_FAILURE.toNanos());
    String what =
        e instanceof ApiException api
            ? api.status() + " " + api.code()
            : e.getClass().getSimpleName() + (e.mayHaveLanded() ? " (may have landed)" : "");
    failed.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
  }

  private SwitchboardClient client(Duration deadline, boolean counted) {
    var b =
        SwitchboardClient.builder()
            .baseUrl(baseUrl)
            .clientCredentials(admin.clientId(), admin.clientSecret())
            .deadline(deadline);
    if (counted) {
      b.listener(
          new ClientListener() {
            @Override
            public void requestCompleted(String org, String operation, int status, Duration took) {
              triesByStatus.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
            }

            @Override
            public void retryScheduled(String org, String operation, int status, Duration wait) {
              retries.incrementAndGet();
            }
          });
      b.interceptor(
          new ClientInterceptor() {
            @Override
            public void afterResponse(ApiRequest request, ApiResponse response, Duration took) {
              if (response.status() < 400) return;
              if (response.status() == 503) {
                if (response.header("Retry-After").isPresent())
                  unavailableWithRetryAfter.incrementAndGet();
                else unavailableWithout.incrementAndGet();
              }
              String code = code(response.body());
              errorCodes
                  .computeIfAbsent(response.status() + " " + code, k -> new AtomicInteger())
                  .incrementAndGet();
            }
          });
    }
    return b.build();
  }

  private static String code(byte[] body) {
    try {
      return ClusterHttp.JSON.readTree(body).path("code").asString("-");
    } catch (RuntimeException e) {
      return "(not JSON)";
    }
  }
}
