package io.switchboard.cli.load;

import picocli.CommandLine.Command;

/** {@code switchboard load ...}: load generators that replay the field reports' traffic. */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    description = "Load generators (bounded in time and count).",
    subcommands = {BurstCommand.class, ClusterCommand.class})
public final class LoadCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
