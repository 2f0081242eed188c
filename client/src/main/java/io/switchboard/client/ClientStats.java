package io.switchboard.client;

/**
 * What a client has done so far, for dashboards and load reports. Counters only grow.
 *
 * @param requests API requests sent (each attempt counts; token requests are counted apart)
 * @param tokenRequests requests to {@code /oauth/token}
 * @param throttled answers with status 429
 * @param retries attempts that were a retry of an earlier attempt
 * @param notModified conditional reads answered 304 (no body sent, no quota spent)
 * @param cacheHits reads answered from the cache without any request
 * @param coalesced reads that shared another caller's request in flight instead of sending their
 *     own
 * @param batched session creations that went out inside a bulk request
 * @param circuitRejections calls refused locally because the circuit breaker was open
 * @param paced requests that waited for their turn under the server's announced rate limit
 * @param pacedWait the time those requests spent waiting, in all
 * @param pacerRefusals calls given up without sending because their turn would have come after
 *     their deadline
 */
public record ClientStats(
    long requests,
    long tokenRequests,
    long throttled,
    long retries,
    long notModified,
    long cacheHits,
    long coalesced,
    long batched,
    long circuitRejections,
    long paced,
    java.time.Duration pacedWait,
    long pacerRefusals) {

  /**
   * Every HTTP request this client sent: API requests and token requests.
   *
   * @return the number of requests
   */
  public long requestsSent() {
    return requests + tokenRequests;
  }
}
