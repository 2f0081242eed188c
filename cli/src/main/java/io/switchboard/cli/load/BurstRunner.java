package io.switchboard.cli.load;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Runs the burst: every agent on its own virtual thread, started at once or spread over the ramp,
 * each through the driver of its OAuth client ({@code agent % K}); measures each login from its
 * start to its script-and-session or its failure. The run is bounded: agents still busy at {@code
 * maxTime} are abandoned and counted as {@code run.timeout}.
 */
final class BurstRunner {
  /** What the run is asked to do. */
  record Plan(String clientKind, Duration ramp, Duration deadline, Duration maxTime) {}

  private final Plan plan;
  private final Clock clock = Clock.systemUTC();

  BurstRunner(Plan plan) {
    this.plan = plan;
  }

  BurstReport run(List<Fixture.Agent> agents, List<AgentDriver> drivers, PrintStream progress)
      throws InterruptedException {
    var latency = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(30), 3);
    var errors = new ConcurrentHashMap<String, LongAdder>();
    var succeeded = new AtomicInteger();
    var finished = new AtomicInteger();
    var recorded = new AtomicInteger();
    var closed = new boolean[1];
    Object outcomes = new Object();
    var done = new CountDownLatch(agents.size());
    var threads = new ArrayList<Thread>(agents.size());
    long start = System.nanoTime();
    long rampNanos = plan.ramp().toNanos();

    for (Fixture.Agent agent : agents) {
      AgentDriver driver = drivers.get(agent.index() % drivers.size());
      long offset = agents.size() <= 1 ? 0 : rampNanos * agent.index() / agents.size();
      threads.add(
          Thread.ofVirtual()
              .name("agent-" + agent.index())
              .start(() -> {
                try {
                  long wait = start + offset - System.nanoTime();
                  if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
                  long began = System.nanoTime();
                  Instant deadline = clock.instant().plus(plan.deadline());
                  String error = driver.login(agent, deadline);
                  long took = System.nanoTime() - began;
                  if (error == null && took > plan.deadline().toNanos())
                    error = "deadline.exceeded";
                  synchronized (outcomes) {
                    // After the run gave up, a late outcome (often the interrupt itself) is not
                    // counted.
                    if (closed[0]) return;
                    latency.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(took)));
                    if (error == null) {
                      succeeded.incrementAndGet();
                    } else {
                      errors.computeIfAbsent(error, k -> new LongAdder()).increment();
                    }
                    recorded.incrementAndGet();
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } finally {
                  finished.incrementAndGet();
                  done.countDown();
                }
              }));
    }

    long giveUp = start + plan.maxTime().toNanos();
    while (!done.await(1, TimeUnit.SECONDS)) {
      progress(progress, agents.size(), finished.get(), succeeded.get(), drivers, start);
      if (System.nanoTime() > giveUp) break;
    }
    int abandoned;
    synchronized (outcomes) {
      closed[0] = true;
      abandoned = agents.size() - recorded.get();
      if (abandoned > 0) errors.computeIfAbsent("run.timeout", k -> new LongAdder()).add(abandoned);
    }
    if (abandoned > 0) {
      threads.forEach(Thread::interrupt);
      done.await(5, TimeUnit.SECONDS);
    }
    progress(progress, agents.size(), finished.get(), succeeded.get(), drivers, start);
    if (progress != null) progress.println();

    AgentDriver.Counts counts = new AgentDriver.Counts(0, 0, 0);
    for (AgentDriver d : drivers) counts = counts.plus(d.counts());
    Map<String, Integer> byCode = new TreeMap<>();
    errors.forEach((code, n) -> byCode.put(code, n.intValue()));
    int n = agents.size();
    return new BurstReport(
        plan.clientKind(),
        n,
        succeeded.get(),
        n == 0 ? 0 : Math.round(10_000.0 * succeeded.get() / n) / 10_000.0,
        ms(latency.getValueAtPercentile(50)),
        ms(latency.getValueAtPercentile(95)),
        ms(latency.getValueAtPercentile(99)),
        ms(latency.getMaxValue()),
        counts.requests(),
        counts.throttled(),
        counts.retries(),
        byCode);
  }

  private static double ms(long micros) {
    return Math.round(micros / 100.0) / 10.0;
  }

  private void progress(
      PrintStream out, int agents, int finished, int ok, List<AgentDriver> drivers, long start) {
    if (out == null) return;
    AgentDriver.Counts c = new AgentDriver.Counts(0, 0, 0);
    for (AgentDriver d : drivers) c = c.plus(d.counts());
    double seconds = (System.nanoTime() - start) / 1e9;
    out.printf(
        "\rburst %s: %d/%d agents done, %d ok, %d requests, %d 429s, %d retries, %.1f s   ",
        plan.clientKind(), finished, agents, ok, c.requests(), c.throttled(), c.retries(), seconds);
    out.flush();
  }
}
