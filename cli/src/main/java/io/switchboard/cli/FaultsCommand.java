package io.switchboard.cli;

import io.switchboard.client.ApiException;
import io.switchboard.client.ApiRequest;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.client.SwitchboardException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

@Command(
    name = "faults",
    mixinStandardHelpOptions = true,
    description =
        "Fault injection on a running server, over its API (/api/v2/switchboard/faults; the client"
            + " needs the faults and oauth scopes). See docs/faults.md.",
    subcommands = {
      FaultsCommand.Apply.class,
      FaultsCommand.ListRules.class,
      FaultsCommand.Clear.class
    })
final class FaultsCommand implements Runnable {
  static final String BASE = "/api/v2/switchboard/faults";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description = {
        "Applies a ready scenario (login-burst-429, session-lock-409, bulk-update-429, flaky-crm,"
            + " wrapup-after-close-404) or, with --file, a scenario of your own (YAML or JSON).",
        "Its rules replace those of an earlier application of the same scenario; they end by"
            + " themselves after --ttl seconds (default: the rule's own, else 1 hour)."
      })
  static final class Apply implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ExternalApisCommand.ApiOptions api;

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "SCENARIO",
        description = "A ready scenario's name (omit with --file).")
    String scenario;

    @Option(names = "--file", paramLabel = "FILE", description = "A scenario file (YAML or JSON).")
    Path file;

    @Option(
        names = "--ttl",
        paramLabel = "SECONDS",
        description = "How long the rules last (1..604800).")
    Long ttl;

    @Override
    public Integer call() {
      CommandLine cmd = spec.commandLine();
      if ((scenario == null) == (file == null))
        throw new CommandLine.ParameterException(cmd, "give a SCENARIO name or --file, not both");
      if (ttl != null && (ttl < 1 || ttl > 604_800))
        throw new CommandLine.ParameterException(cmd, "--ttl must be between 1 and 604800");
      String query = ttl == null ? "" : "?ttlSeconds=" + ttl;
      PrintWriter out = cmd.getOut();
      PrintWriter err = cmd.getErr();
      ApiRequest request;
      if (file != null) {
        JsonNode body;
        try {
          body = YAMLMapper.builder().build().readTree(Files.readString(file));
        } catch (IOException | JacksonException e) {
          err.println("error: cannot read " + file + ": " + e.getMessage());
          return 1;
        }
        request = ApiRequest.post(BASE + "/scenarios" + query, body);
      } else {
        request =
            ApiRequest.post(
                BASE + "/scenarios/" + URLEncoder.encode(scenario, StandardCharsets.UTF_8) + query,
                null);
      }
      try (SwitchboardClient client = api.client(cmd)) {
        JsonNode applied = client.callForTree(request);
        out.println("scenario " + applied.get("scenario").asString() + " applied:");
        printRules(out, applied.get("entities"));
        return 0;
      } catch (ApiException e) {
        err.println("error: " + e.getMessage());
        return 1;
      } catch (SwitchboardException e) {
        err.println("error: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the org's rules.")
  static final class ListRules implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ExternalApisCommand.ApiOptions api;

    @Override
    public Integer call() {
      CommandLine cmd = spec.commandLine();
      try (SwitchboardClient client = api.client(cmd)) {
        printRules(cmd.getOut(), client.callForTree(ApiRequest.get(BASE)).get("entities"));
        return 0;
      } catch (SwitchboardException e) {
        cmd.getErr().println("error: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(
      name = "clear",
      mixinStandardHelpOptions = true,
      description = "Deletes every rule of the org.")
  static final class Clear implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ExternalApisCommand.ApiOptions api;

    @Override
    public Integer call() {
      CommandLine cmd = spec.commandLine();
      try (SwitchboardClient client = api.client(cmd)) {
        client.send(ApiRequest.delete(BASE));
        cmd.getOut().println("all fault rules deleted");
        return 0;
      } catch (SwitchboardException e) {
        cmd.getErr().println("error: " + e.getMessage());
        return 1;
      }
    }
  }

  /** One line per rule: id, effect, matched/injected, until, name. */
  static void printRules(PrintWriter out, JsonNode rules) {
    out.printf(
        "%-36s  %-20s  %9s  %9s  %-24s  %s%n",
        "id", "effect", "matched", "injected", "until", "name");
    for (JsonNode r : rules) {
      out.printf(
          "%-36s  %-20s  %9d  %9d  %-24s  %s%n",
          r.get("id").asString(),
          r.get("effect").get("type").asString(),
          r.get("matched").asLong(),
          r.get("injected").asLong(),
          r.path("until").isNull() || r.path("until").isMissingNode()
              ? "-"
              : r.get("until").asString(),
          r.get("name").asString());
    }
    out.flush();
  }
}
