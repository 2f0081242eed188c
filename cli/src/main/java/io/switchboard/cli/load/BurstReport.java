package io.switchboard.cli.load;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * The outcome of one burst, in the shape {@code --json} prints.
 *
 * @param client {@code switchboard} or {@code naive}
 * @param agents agents that logged in
 * @param succeeded agents that had their script and session within the deadline
 * @param successRate {@code succeeded / agents}, between 0 and 1
 * @param p50Ms median agent login time (successful or not), milliseconds
 * @param p95Ms 95th percentile
 * @param p99Ms 99th percentile
 * @param maxMs the slowest
 * @param requests HTTP requests the measured clients sent (token requests included, setup excluded)
 * @param throttled 429 answers they received
 * @param retries requests that repeated an earlier one
 * @param errors failed agents by error code ({@code deadline.exceeded} for success that came too
 *     late)
 */
@JsonPropertyOrder({
  "client",
  "agents",
  "succeeded",
  "successRate",
  "p50Ms",
  "p95Ms",
  "p99Ms",
  "maxMs",
  "requests",
  "throttled",
  "retries",
  "errors"
})
record BurstReport(
    String client,
    int agents,
    int succeeded,
    double successRate,
    double p50Ms,
    double p95Ms,
    double p99Ms,
    double maxMs,
    long requests,
    long throttled,
    long retries,
    Map<String, Integer> errors) {

  /** The human table. */
  String table() {
    var sb = new StringBuilder();
    sb.append(String.format("%-14s %s%n", "client", client));
    sb.append(String.format("%-14s %d%n", "agents", agents));
    sb.append(
        String.format(
            "%-14s %d (%.1f%% within the deadline)%n", "succeeded", succeeded, successRate * 100));
    sb.append(
        String.format(
            "%-14s p50 %.1f  p95 %.1f  p99 %.1f  max %.1f%n",
            "latency ms", p50Ms, p95Ms, p99Ms, maxMs));
    sb.append(String.format("%-14s %d%n", "requests", requests));
    sb.append(String.format("%-14s %d%n", "429s", throttled));
    sb.append(String.format("%-14s %d%n", "retries", retries));
    if (errors.isEmpty()) {
      sb.append(String.format("%-14s none%n", "errors"));
    } else {
      sb.append(String.format("%-14s%n", "errors"));
      errors.forEach((code, n) -> sb.append(String.format("  %-28s %d%n", code, n)));
    }
    return sb.toString();
  }
}
