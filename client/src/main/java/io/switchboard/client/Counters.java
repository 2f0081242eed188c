package io.switchboard.client;

import java.util.concurrent.atomic.LongAdder;

/** The live counters behind {@link ClientStats}. */
final class Counters {
  final LongAdder requests = new LongAdder();
  final LongAdder tokenRequests = new LongAdder();
  final LongAdder throttled = new LongAdder();
  final LongAdder retries = new LongAdder();
  final LongAdder notModified = new LongAdder();
  final LongAdder cacheHits = new LongAdder();
  final LongAdder coalesced = new LongAdder();
  final LongAdder batched = new LongAdder();
  final LongAdder circuitRejections = new LongAdder();
  final LongAdder paced = new LongAdder();
  final LongAdder pacedNanos = new LongAdder();
  final LongAdder pacerRefusals = new LongAdder();

  ClientStats snapshot() {
    return new ClientStats(
        requests.sum(),
        tokenRequests.sum(),
        throttled.sum(),
        retries.sum(),
        notModified.sum(),
        cacheHits.sum(),
        coalesced.sum(),
        batched.sum(),
        circuitRejections.sum(),
        paced.sum(),
        java.time.Duration.ofNanos(pacedNanos.sum()),
        pacerRefusals.sum());
  }
}
