package io.switchboard.cli;

import io.switchboard.server.Switchboard;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code switchboard}: the server and its administration tools in one jar. */
@Command(
    name = "switchboard",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Self-hosted agent-scripting and flow-integration platform (Genesys Cloud API v2 dialect).",
    subcommands = {
      ServeCommand.class,
      OrgCommand.class,
      ClientsCommand.class,
      ExternalApisCommand.class,
      FaultsCommand.class,
      DataActionsCommand.class,
      FlowsCommand.class,
      CredentialsCommand.class,
      io.switchboard.cli.bench.BenchCommand.class,
      io.switchboard.cli.load.LoadCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new Main())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          // A user gets one clear line; the stack trace only when asked for (SWITCHBOARD_DEBUG=1).
          cmd.getErr()
              .println(
                  "error: "
                      + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
          if (System.getenv("SWITCHBOARD_DEBUG") != null) e.printStackTrace(cmd.getErr());
          return 1;
        });
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"switchboard " + Switchboard.VERSION, "Java " + Runtime.version()};
    }
  }
}
