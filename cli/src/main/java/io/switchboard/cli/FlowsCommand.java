package io.switchboard.cli;

import io.switchboard.client.ApiException;
import io.switchboard.client.ErrorBody;
import io.switchboard.client.FlowsApi;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.client.SwitchboardException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
    name = "flows",
    mixinStandardHelpOptions = true,
    description = "Architect-style flows (/api/v2/flows) of a running server.",
    subcommands = {FlowsCommand.Deploy.class})
final class FlowsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Largest definition file read (the server takes at most its request body limit anyway). */
  static final long MAX_FILE_BYTES = 1024 * 1024;

  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  /** Archy's top-level key of each flow type Switchboard runs. */
  static final Map<String, String> TYPE_OF_KEY =
      Map.of("inboundCall", "INBOUNDCALL", "workflow", "WORKFLOW");

  @Command(
      name = "deploy",
      mixinStandardHelpOptions = true,
      description = {
        "Deploys a flow definition file (Archy's YAML shape, or the same as JSON) the way"
            + " `archy publish` does: the flow of that name and type is created when the org has"
            + " none, the file is saved as its new version, and that version is published.",
        "A file equal to the flow's latest saved version that is also published changes nothing,"
            + " so deploying again is safe. The client needs the architect scope.",
        "Exit code 0 when deployed (or unchanged), 1 when the server refused the definition"
            + " (every problem is printed with its line and column), 2 for usage errors."
      })
  static final class Deploy implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ExternalApisCommand.ApiOptions api;

    @Parameters(
        index = "0",
        paramLabel = "FILE",
        description = "The definition: .yaml/.yml (Archy's shape) or .json.")
    Path file;

    @Option(
        names = "--name",
        paramLabel = "NAME",
        description = "Deploy as the flow of this name instead of the name in the file.")
    String name;

    @Option(names = "--save-only", description = "Save the new version without publishing it.")
    boolean saveOnly;

    @Option(names = "--dry-run", description = "Say what would change; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
      CommandLine cmd = spec.commandLine();
      PrintWriter out = cmd.getOut();
      PrintWriter err = cmd.getErr();
      Definition d = read(cmd);
      String flowName = name != null ? name.trim() : d.name();
      if (flowName.isEmpty()) throw new CommandLine.ParameterException(cmd, "--name is empty");
      try (SwitchboardClient client = api.client(cmd)) {
        FlowsApi flows = client.flows();
        Optional<FlowsApi.Flow> existing = find(flows, flowName, d.type());
        if (existing.isPresent() && unchanged(flows, existing.get(), d)) {
          out.printf(
              "Flow \"%s\" (%s, %s) is unchanged: version %s is the file%s.%n",
              flowName,
              d.type(),
              existing.get().id(),
              existing.get().savedVersion().name(),
              saveOnly ? "" : " and is published");
          out.flush();
          return 0;
        }
        if (dryRun) {
          out.printf(
              "Would %s flow \"%s\" (%s), save %s as its new version%s. Nothing changed.%n",
              existing.isPresent() ? "update" : "create",
              flowName,
              d.type(),
              file.getFileName(),
              saveOnly ? "" : " and publish it");
          out.flush();
          return 0;
        }
        FlowsApi.Flow flow =
            existing.orElseGet(() -> flows.create(new FlowsApi.NewFlow(flowName, null, d.type())));
        if (existing.isEmpty())
          out.printf("Created flow \"%s\" (%s): %s%n", flowName, d.type(), flow.id());
        FlowsApi.FlowVersion saved =
            d.yaml() ? flows.saveYaml(flow.id(), d.text()) : flows.saveJson(flow.id(), d.text());
        out.printf("Saved %s as version %s.%n", file.getFileName(), saved.name());
        if (!saveOnly) {
          FlowsApi.Flow published = flows.publish(flow.id());
          out.printf(
              "Published version %s of \"%s\" (%s).%n",
              published.publishedVersion().name(), flowName, flow.id());
        }
        out.flush();
        return 0;
      } catch (ApiException e) {
        out.flush();
        err.println("error: the server refused the deployment: " + e.error().message());
        for (ErrorBody problem : e.error().errors()) err.println("  " + located(problem));
        return 1;
      } catch (SwitchboardException e) {
        out.flush();
        err.println("error: " + e.getMessage());
        return 1;
      }
    }

    /** The file's text, whether it is YAML, and the flow name and type its top-level key gives. */
    record Definition(String text, JsonNode tree, boolean yaml, String name, String type) {}

    private Definition read(CommandLine cmd) {
      String fileName = file.getFileName().toString().toLowerCase(Locale.ROOT);
      boolean yaml = fileName.endsWith(".yaml") || fileName.endsWith(".yml");
      if (!yaml && !fileName.endsWith(".json"))
        throw new CommandLine.ParameterException(
            cmd, file + ": the file must end in .yaml, .yml or .json");
      String text;
      try {
        if (Files.size(file) > MAX_FILE_BYTES)
          throw new CommandLine.ParameterException(
              cmd, file + " is larger than " + MAX_FILE_BYTES + " bytes");
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new CommandLine.ParameterException(
            cmd, "cannot read " + file + ": " + e.getMessage());
      }
      JsonNode root;
      try {
        // YAML is a superset of JSON: one reader for both.
        root = YAML.readTree(text);
      } catch (JacksonException e) {
        throw new CommandLine.ParameterException(
            cmd, file + " is not " + (yaml ? "YAML" : "JSON") + ": " + e.getOriginalMessage());
      }
      if (root == null || !root.isObject() || root.size() != 1)
        throw new CommandLine.ParameterException(
            cmd,
            file + " must have one top-level key naming the flow type: inboundCall or workflow");
      String key = root.propertyNames().iterator().next();
      String type = TYPE_OF_KEY.get(key);
      if (type == null)
        throw new CommandLine.ParameterException(
            cmd,
            file + ": '" + key + "' is not a flow type Switchboard runs (inboundCall, workflow)");
      String inFile = root.get(key).path("name").asString("").trim();
      if (inFile.isEmpty() && name == null)
        throw new CommandLine.ParameterException(
            cmd, file + " names no flow (" + key + ".name): give --name");
      return new Definition(text, root, yaml, inFile, type);
    }

    /** The org's flow of this type whose name is {@code flowName}, ignoring case (as unique). */
    private static Optional<FlowsApi.Flow> find(FlowsApi flows, String flowName, String type) {
      return flows.stream(100, flowName, type)
          .filter(f -> f.name().equalsIgnoreCase(flowName))
          .findFirst();
    }

    /**
     * True when the flow's latest saved version holds the file's definition (compared as parsed
     * trees: the server answers a JSON-saved version re-written) and, unless only saving, is the
     * published one.
     */
    private boolean unchanged(FlowsApi flows, FlowsApi.Flow flow, Definition d) {
      if (flow.savedVersion() == null) return false;
      boolean published =
          flow.publishedVersion() != null
              && flow.savedVersion().id().equals(flow.publishedVersion().id());
      if (!saveOnly && !published) return false;
      String latest = flows.latestConfiguration(flow.id());
      return latest.equals(d.text()) || YAML.readTree(latest).equals(d.tree());
    }

    private static String located(ErrorBody problem) {
      Object line = problem.messageParams().get("line");
      Object column = problem.messageParams().get("column");
      return (line == null ? "" : "line " + line + (column == null ? "" : ":" + column) + ": ")
          + problem.message();
    }
  }
}
