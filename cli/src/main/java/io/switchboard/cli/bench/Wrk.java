package io.switchboard.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code wrk} (Debian package {@code wrk}; {@code bench/http.sh} installs it) against one URL
 * and reads its throughput and latency percentiles. wrk is a C load generator, so on a 2-core
 * machine it takes far less CPU from the server under test than a Java client would.
 */
public final class Wrk {
  public record Result(
      String label,
      double requestsPerSecond,
      double p50Ms,
      double p99Ms,
      long requests,
      long non2xx) {}

  private Wrk() {}

  public static Result run(
      String label, String url, List<String> headers, int connections, int threads, int seconds) {
    var cmd =
        new ArrayList<String>(
            List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--latency"));
    for (String h : headers) {
      cmd.add("-H");
      cmd.add(h);
    }
    cmd.add(url);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) throw new IllegalStateException("wrk failed: " + out);
      return parse(label, out);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run wrk (install it: apt-get install wrk, or run bench/http.sh): "
              + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Result parse(String label, String out) {
    double rps = number(out, "Requests/sec:\\s+([0-9.]+)");
    long requests = (long) number(out, "([0-9]+) requests in");
    Matcher non2xx = Pattern.compile("Non-2xx or 3xx responses:\\s+([0-9]+)").matcher(out);
    return new Result(
        label,
        rps,
        latency(out, "50%"),
        latency(out, "99%"),
        requests,
        non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0);
  }

  private static double number(String out, String regex) {
    Matcher m = Pattern.compile(regex).matcher(out);
    if (!m.find()) throw new IllegalStateException("unexpected wrk output: " + out);
    return Double.parseDouble(m.group(1));
  }

  private static double latency(String out, String percentile) {
    Matcher m =
        Pattern.compile("\\s" + Pattern.quote(percentile) + "\\s+([0-9.]+)(us|ms|s)").matcher(out);
    if (!m.find())
      throw new IllegalStateException("no " + percentile + " latency in wrk output: " + out);
    double v = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "us" -> v / 1000;
      case "s" -> v * 1000;
      default -> v;
    };
  }
}
