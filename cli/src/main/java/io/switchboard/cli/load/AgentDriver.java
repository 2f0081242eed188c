package io.switchboard.cli.load;

import java.time.Instant;

/**
 * What one virtual agent does at login, through one kind of client: fetch the published script,
 * then start its script session with its own data. One driver per OAuth client; agents share
 * drivers.
 */
interface AgentDriver extends AutoCloseable {
  /**
   * The agent's whole login, to be over by {@code deadline}; null on success, else an error code.
   */
  String login(Fixture.Agent agent, Instant deadline);

  /** HTTP requests sent (token requests included), 429s received, retries made. */
  Counts counts();

  record Counts(long requests, long throttled, long retries) {
    Counts plus(Counts o) {
      return new Counts(requests + o.requests, throttled + o.throttled, retries + o.retries);
    }
  }

  @Override
  void close();
}
