package io.switchboard.cli;

import io.switchboard.client.OAuthClientsApi;
import io.switchboard.client.OAuthClientsApi.NewOAuthClient;
import io.switchboard.client.OAuthClientsApi.OAuthClient;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.client.SwitchboardException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;

/**
 * The org's OAuth clients over the API of a running server, as the calling client (which needs the
 * {@code oauth} scope, and holds whatever it grants). {@code org create} makes an org's first one.
 */
@Command(
    name = "clients",
    mixinStandardHelpOptions = true,
    description =
        "The org's OAuth clients (/api/v2/oauth/clients) of a running server; the calling client"
            + " needs the oauth scope and can grant only scopes it holds.",
    subcommands = {
      ClientsCommand.ListClients.class,
      ClientsCommand.Create.class,
      ClientsCommand.Update.class,
      ClientsCommand.RotateSecret.class,
      ClientsCommand.Delete.class
    })
final class ClientsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * Runs {@code work} with a client of the server; what the server refused is one line on stderr
   * and exit code 1.
   */
  static int withClient(
      CommandLine.Model.CommandSpec spec,
      ExternalApisCommand.ApiOptions api,
      BiFunction<OAuthClientsApi, PrintWriter, Integer> work) {
    CommandLine cmd = spec.commandLine();
    try (SwitchboardClient client = api.client(cmd)) {
      int code = work.apply(client.oauthClients(), cmd.getOut());
      cmd.getOut().flush();
      return code;
    } catch (SwitchboardException e) {
      cmd.getErr().println("error: " + e.getMessage());
      return 1;
    }
  }

  /** A client with its secret, shown once: as JSON, or as lines with a warning. */
  static void printSecret(PrintWriter out, OAuthClient c, boolean json) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("clientId", c.id());
    fields.put("name", c.name());
    fields.put("scope", c.scope());
    fields.put("clientSecret", c.secret());
    if (json) {
      out.println(JsonMapper.builder().build().writeValueAsString(fields));
      return;
    }
    fields.forEach((k, v) -> out.printf("%-13s %s%n", k + ":", v));
    out.println("The secret is shown only now; store it safely.");
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the org's clients.")
  static final class ListClients implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ExternalApisCommand.ApiOptions api;

    @Override
    public Integer call() {
      return withClient(
          spec,
          api,
          (clients, out) -> {
            clients.stream(100)
                .forEach(c ->
                    out.printf(
                        "%s  %-30s  %6ds  %s%n",
                        c.id(),
                        c.name(),
                        c.accessTokenValiditySeconds(),
                        String.join(",", c.scope())));
            return 0;
          });
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Creates a client and prints its id and secret (shown only now).")
  static final class Create implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ExternalApisCommand.ApiOptions api;

    @Parameters(index = "0", paramLabel = "NAME", description = "The client's name.")
    String name;

    @Option(
        names = "--scope",
        required = true,
        split = ",",
        paramLabel = "SCOPE",
        description = "A scope to grant (repeat, or join with commas), e.g. scripts,conversations.")
    List<String> scopes;

    @Option(
        names = "--lifetime",
        paramLabel = "SECONDS",
        description = "Its tokens' lifetime, 300..172800 (default: the server's).")
    Integer lifetime;

    @Option(names = "--description", paramLabel = "TEXT", description = "Free text.")
    String description;

    @Option(names = "--json", description = "Print one JSON object with the secret.")
    boolean json;

    @Override
    public Integer call() {
      return withClient(
          spec,
          api,
          (clients, out) -> {
            printSecret(
                out, clients.create(new NewOAuthClient(name, description, lifetime, scopes)), json);
            return 0;
          });
    }
  }

  @Command(
      name = "update",
      mixinStandardHelpOptions = true,
      description = {
        "Changes a client's name, scopes, lifetime or description; what is not given stays.",
        "Taking a scope away ends the client's current tokens."
      })
  static final class Update implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ExternalApisCommand.ApiOptions api;

    @Parameters(index = "0", paramLabel = "ID", description = "The client's id.")
    String id;

    @Option(names = "--name", paramLabel = "NAME", description = "A new name.")
    String name;

    @Option(
        names = "--scope",
        split = ",",
        paramLabel = "SCOPE",
        description = "Its scopes from now on (repeat, or join with commas): all of them.")
    List<String> scopes;

    @Option(names = "--lifetime", paramLabel = "SECONDS", description = "300..172800.")
    Integer lifetime;

    @Option(names = "--description", paramLabel = "TEXT", description = "Free text.")
    String description;

    @Override
    public Integer call() {
      if (name == null && scopes == null && lifetime == null && description == null)
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "nothing to change: give --name, --scope, --lifetime or --description");
      return withClient(
          spec,
          api,
          (clients, out) -> {
            OAuthClient current = clients.get(id);
            OAuthClient changed =
                clients.update(
                    id,
                    new NewOAuthClient(
                        name != null ? name : current.name(),
                        description != null ? description : current.description(),
                        lifetime,
                        scopes != null ? scopes : current.scope()));
            out.printf(
                "Updated %s: %s, %ds, %s%n",
                changed.id(),
                changed.name(),
                changed.accessTokenValiditySeconds(),
                String.join(",", changed.scope()));
            return 0;
          });
    }
  }

  @Command(
      name = "rotate-secret",
      mixinStandardHelpOptions = true,
      description =
          "Gives a client a new secret (printed, shown only now); the old one and its tokens end.")
  static final class RotateSecret implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ExternalApisCommand.ApiOptions api;

    @Parameters(index = "0", paramLabel = "ID", description = "The client's id.")
    String id;

    @Option(names = "--json", description = "Print one JSON object with the secret.")
    boolean json;

    @Override
    public Integer call() {
      return withClient(
          spec,
          api,
          (clients, out) -> {
            printSecret(out, clients.rotateSecret(id), json);
            return 0;
          });
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Deletes a client; its tokens stop working.")
  static final class Delete implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ExternalApisCommand.ApiOptions api;

    @Parameters(index = "0", paramLabel = "ID", description = "The client's id.")
    String id;

    @Override
    public Integer call() {
      return withClient(
          spec,
          api,
          (clients, out) -> {
            clients.delete(id);
            out.println("Deleted " + id + ".");
            return 0;
          });
    }
  }
}
