package io.switchboard.cli.bench;

import java.util.List;
import picocli.CommandLine.Option;

/** The load the HTTP benchmarks put on each target with wrk; a picocli mixin of their options. */
final class WrkOptions {
  @Option(
      names = "--connections",
      defaultValue = "64",
      description = "Concurrent connections (default ${DEFAULT-VALUE}).")
  int connections;

  @Option(
      names = "--threads",
      defaultValue = "2",
      description = "wrk threads (default ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--duration",
      defaultValue = "10",
      description = "Seconds per measurement (default ${DEFAULT-VALUE}).")
  int seconds;

  @Option(
      names = "--warmup",
      defaultValue = "5",
      description = "Warm-up seconds per target, not reported (default ${DEFAULT-VALUE}).")
  int warmup;

  /** One measurement of {@code url}. */
  Wrk.Result measure(String label, String url, List<String> headers) {
    return Wrk.run(label, url, headers, connections, threads, seconds);
  }

  /** The warm-up of {@code url}, not reported. */
  void warmUp(String url, List<String> headers) {
    Wrk.run("warm-up", url, headers, connections, threads, warmup);
  }
}
