package io.switchboard.client;

/** The last answer of the calls made through one {@link SwitchboardClient#withResponse} view. */
final class ResponseCapture {
  private volatile ApiResponse last;
  private volatile boolean fromCache;

  void record(ApiResponse response, boolean cached) {
    this.last = response;
    this.fromCache = cached;
  }

  ApiResponse last() {
    return last;
  }

  boolean fromCache() {
    return fromCache;
  }
}
