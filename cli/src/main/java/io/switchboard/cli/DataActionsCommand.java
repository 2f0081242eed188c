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

@Command(
    name = "data-actions",
    mixinStandardHelpOptions = true,
    description = "Genesys-shaped data actions (/api/v2/integrations/actions) of a running server.",
    subcommands = {DataActionsCommand.Import.class})
final class DataActionsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Largest export file read. */
  static final long MAX_FILE_BYTES = 1024 * 1024;

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = {
        "Imports a data action exported from Genesys Cloud (the JSON file its UI exports) into an"
            + " integration, unchanged, with one call (POST"
            + " /api/v2/integrations/actions/import).",
        "The client needs the integrations scope. Exit code 0 when imported, 1 when the server"
            + " refused it (the reason is printed), 2 for usage errors."
      })
  static final class Import implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ExternalApisCommand.ApiOptions api;

    @Parameters(index = "0", paramLabel = "FILE", description = "The exported JSON file.")
    Path file;

    @Option(
        names = "--integration",
        required = true,
        paramLabel = "ID",
        description = "The integration (custom-rest-actions) that will hold the action.")
    String integrationId;

    @Option(
        names = "--name",
        paramLabel = "NAME",
        description = "A name for the action instead of the exported one.")
    String name;

    @Override
    public Integer call() {
      CommandLine cmd = spec.commandLine();
      PrintWriter out = cmd.getOut();
      PrintWriter err = cmd.getErr();
      JsonNode export;
      try {
        if (Files.size(file) > MAX_FILE_BYTES)
          throw new CommandLine.ParameterException(
              cmd, file + " is larger than " + MAX_FILE_BYTES + " bytes");
        export = tools.jackson.databind.json.JsonMapper.builder().build().readTree(file.toFile());
      } catch (IOException e) {
        throw new CommandLine.ParameterException(
            cmd, "cannot read " + file + ": " + e.getMessage());
      } catch (JacksonException e) {
        throw new CommandLine.ParameterException(
            cmd, file + " is not JSON: " + e.getOriginalMessage());
      }
      if (export == null || !export.isObject())
        throw new CommandLine.ParameterException(cmd, file + " must hold one JSON object");
      String path =
          "/api/v2/integrations/actions/import?integrationId="
              + URLEncoder.encode(integrationId, StandardCharsets.UTF_8)
              + (name == null ? "" : "&name=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
      try (SwitchboardClient client = api.client(cmd)) {
        JsonNode action = client.callForTree(ApiRequest.post(path, export));
        out.printf(
            "Imported \"%s\" as %s into integration %s (version %d).%n",
            action.path("name").asString(""),
            action.path("id").asString(""),
            action.path("integrationId").asString(""),
            action.path("version").asLong());
        out.flush();
        return 0;
      } catch (ApiException e) {
        err.println("error: the server refused the import: " + e.getMessage());
        return 1;
      } catch (SwitchboardException e) {
        err.println("error: " + e.getMessage());
        return 1;
      }
    }
  }
}
