package io.switchboard.client;

import java.time.Duration;

/**
 * What an answer says about the rate-limit bucket with the least room left (Switchboard's {@code
 * RateLimit-Policy} and {@code RateLimit} headers, or Genesys's {@code inin-ratelimit-allowed} and
 * {@code inin-ratelimit-count}).
 *
 * @param bucket the bucket's name: {@code token}, {@code client}, {@code org}, {@code
 *     group:<name>}; {@code inin} when only Genesys's unnamed headers were sent
 * @param limit requests allowed per {@code window}
 * @param window the window the limit is counted over
 * @param remaining requests left now (the limit when the bucket is full)
 */
public record RateLimitStatus(String bucket, long limit, Duration window, long remaining) {}
