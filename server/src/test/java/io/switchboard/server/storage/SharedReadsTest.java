package io.switchboard.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedReadsTest {
  @Test
  void readersWhileAReadIsInFlightShareItAndLaterReadersReadAgain() throws Exception {
    var reads = new SharedReads<String>();
    var count = new AtomicInteger();
    var started = new CountDownLatch(1);
    var release = new CountDownLatch(1);
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> leader =
          pool.submit(() ->
              reads.get(
                  "k",
                  () -> {
                    count.incrementAndGet();
                    started.countDown();
                    try {
                      release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    return "v" + count.get();
                  }));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      var answers = new java.util.concurrent.ConcurrentLinkedQueue<String>();
      var joiners = new ArrayList<Thread>();
      for (int i = 0; i < 50; i++)
        joiners.add(
            Thread.ofVirtual()
                .start(() -> answers.add(reads.get("k", () -> "v" + count.incrementAndGet()))));
      // Each joiner parks only in the shared read's join: once all are WAITING, all have joined.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (joiners.stream().anyMatch(t -> t.getState() != Thread.State.WAITING)) {
        assertThat(System.nanoTime()).as("joiners parked").isLessThan(deadline);
        Thread.sleep(5);
      }
      release.countDown();
      assertThat(leader.get()).isEqualTo("v1");
      for (Thread t : joiners) t.join(Duration.ofSeconds(10));
      assertThat(answers).hasSize(50).containsOnly("v1");
      assertThat(count.get()).as("one read for 51 readers").isEqualTo(1);
    }
    int afterBurst = count.get();
    assertThat(reads.get("k", () -> "v" + count.incrementAndGet()))
        .isEqualTo("v" + (afterBurst + 1));
  }

  @Test
  void aFailedReadFailsItsReadersAndIsNotKept() {
    var reads = new SharedReads<String>();
    assertThatThrownBy(() ->
            reads.get(
                "k",
                () -> {
                  throw new IllegalStateException("pool exhausted");
                }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("pool exhausted");
    assertThat(reads.get("k", () -> "fresh")).isEqualTo("fresh");
  }

  @Test
  void forgetMakesTheNextReaderReadAgainEvenWhileAReadIsInFlight() throws Exception {
    var reads = new SharedReads<String>();
    var started = new CountDownLatch(1);
    var release = new CountDownLatch(1);
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> old =
          pool.submit(() ->
              reads.get(
                  "k",
                  () -> {
                    started.countDown();
                    try {
                      release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    return "before the change";
                  }));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      reads.forget("k");
      assertThat(reads.get("k", () -> "after the change")).isEqualTo("after the change");
      release.countDown();
      assertThat(old.get()).isEqualTo("before the change");
    }
  }
}
