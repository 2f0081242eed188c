package io.switchboard.cli.bench;

import picocli.CommandLine.Command;

/** {@code switchboard bench ...}: the benchmarks whose results are in BENCHMARKS.md. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks (loopback only, bounded in time).",
    subcommands = {
      HttpBenchCommand.class,
      PeerBenchCommand.class,
      MemoryBenchCommand.class,
      StartupBenchCommand.class,
      BareHandlerCommand.class
    })
public final class BenchCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
