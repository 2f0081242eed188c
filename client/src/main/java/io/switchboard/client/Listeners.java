package io.switchboard.client;

import java.time.Duration;
import java.util.List;

/** Several {@link ClientListener}s as one; an exception one throws is not the caller's problem. */
final class Listeners implements ClientListener {
  private static final ClientListener NONE = new ClientListener() {};
  private final List<ClientListener> all;

  private Listeners(List<ClientListener> all) {
    this.all = all;
  }

  static ClientListener of(List<ClientListener> listeners) {
    if (listeners.isEmpty()) return NONE;
    return new Listeners(List.copyOf(listeners));
  }

  private void each(java.util.function.Consumer<ClientListener> event) {
    for (ClientListener l : all) {
      try {
        event.accept(l);
      } catch (RuntimeException ignored) {
        // a listener's failure must not fail or slow the call it observes
      }
    }
  }

  @Override
  public void requestCompleted(String org, String operation, int status, Duration took) {
    each(l -> l.requestCompleted(org, operation, status, took));
  }

  @Override
  public void retryScheduled(String org, String operation, int status, Duration wait) {
    each(l -> l.retryScheduled(org, operation, status, wait));
  }

  @Override
  public void pacerWaited(String org, String operation, Duration wait) {
    each(l -> l.pacerWaited(org, operation, wait));
  }

  @Override
  public void breakerStateChanged(String org, String state) {
    each(l -> l.breakerStateChanged(org, state));
  }

  @Override
  public void cacheRead(String org, String operation, boolean hit) {
    each(l -> l.cacheRead(org, operation, hit));
  }
}
