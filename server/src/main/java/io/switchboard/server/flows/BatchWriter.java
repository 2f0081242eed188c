package io.switchboard.server.flows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: items submitted from many threads are written by one writer thread, as many as are
 * waiting (up to {@code maxBatch}) in one call of {@code write} (one transaction). A burst of 2,000
 * launches or ends then costs a few commits instead of 2,000 (each a durable commit, and a
 * connection from the pool). When a batch fails, its items are written one by one, so one bad item
 * does not fail the others. Each submitter gets a future that completes when its item is written.
 */
final class BatchWriter<T> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

  private record Item<T>(T value, CompletableFuture<Void> written) {}

  private final BlockingQueue<Item<T>> queue = new LinkedBlockingQueue<>();
  private final Item<T> stop = new Item<>(null, null);
  private final int maxBatch;
  private final Consumer<List<T>> write;
  private final String name;
  private final Thread writer;
  private volatile boolean closed;

  BatchWriter(String name, int maxBatch, Consumer<List<T>> write) {
    this.name = name;
    this.maxBatch = maxBatch;
    this.write = write;
    this.writer = Thread.ofPlatform().daemon().name(name).start(this::run);
  }

  CompletableFuture<Void> submit(T value) {
    var item = new Item<>(value, new CompletableFuture<Void>());
    if (closed) {
      item.written().completeExceptionally(new IllegalStateException(name + " is closed"));
      return item.written();
    }
    queue.add(item);
    return item.written();
  }

  private void run() {
    var batch = new ArrayList<Item<T>>();
    boolean stopping = false;
    while (!stopping) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        stopping = true;
      }
      queue.drainTo(batch, maxBatch - batch.size());
      stopping |= batch.remove(stop);
      if (!batch.isEmpty()) write(batch);
      batch.clear();
    }
    // Anything submitted while stopping is refused rather than left waiting.
    for (Item<T> left; (left = queue.poll()) != null; )
      if (left.written() != null)
        left.written().completeExceptionally(new IllegalStateException(name + " is closed"));
  }

  private void write(List<Item<T>> batch) {
    try {
      write.accept(batch.stream().map(Item::value).toList());
      batch.forEach(i -> i.written().complete(null));
    } catch (RuntimeException e) {
      if (batch.size() > 1)
        log.warn(
            "{}: writing {} at once failed ({}); one by one", name, batch.size(), e.toString());
      for (Item<T> i : batch) {
        try {
          write.accept(List.of(i.value()));
          i.written().complete(null);
        } catch (RuntimeException one) {
          i.written().completeExceptionally(one);
        }
      }
    }
  }

  /** Writes what was submitted before, then stops (the writer is not interrupted mid-write). */
  @Override
  public void close() {
    closed = true;
    queue.add(stop);
    try {
      writer.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
