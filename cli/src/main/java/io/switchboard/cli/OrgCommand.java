package io.switchboard.cli;

import io.switchboard.server.Switchboard;
import io.switchboard.server.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;

@Command(
    name = "org",
    mixinStandardHelpOptions = true,
    description = "Administer organisations (offline, against --data or --db).",
    subcommands = {OrgCommand.Create.class, OrgCommand.ListOrgs.class})
final class OrgCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** The identity services on the data directory or database, or why they cannot be opened. */
  static Switchboard.Offline open(StorageOptions storage) {
    Settings settings = storage.settings(Map.of());
    try {
      return Switchboard.offline(settings);
    } catch (RuntimeException e) {
      throw OfflineConflict.explain(e, settings, Create.INSTEAD);
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create an org with an all-scopes admin client and print its credentials.")
  static final class Create implements Callable<Integer> {
    @Mixin StorageOptions storage;

    @Parameters(index = "0", paramLabel = "NAME", description = "The org's unique name.")
    String name;

    @Option(
        names = "--json",
        description = "Print one JSON object: orgId, name, clientId, clientSecret.")
    boolean json;

    static final String INSTEAD =
        "stop it (Ctrl-C or SIGTERM) and run this again. While it runs, an org's admin can add"
            + " OAuth clients over its API: POST BASE_URL/api/v2/oauth/clients";

    @Override
    public Integer call() {
      try (var offline = open(storage)) {
        var created = offline.identity().createOrg(name);
        Map<String, String> out = new LinkedHashMap<>();
        out.put("orgId", created.org().id());
        out.put("name", created.org().name());
        out.put("clientId", created.admin().client().id());
        out.put("clientSecret", created.admin().secret());
        if (json) {
          System.out.println(JsonMapper.builder().build().writeValueAsString(out));
        } else {
          out.forEach((k, v) -> System.out.printf("%-13s %s%n", k + ":", v));
          System.out.println("The secret is shown only now; store it safely.");
        }
        return 0;
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the orgs: id, name and when each was created.")
  static final class ListOrgs implements Callable<Integer> {
    @Mixin StorageOptions storage;

    @Option(names = "--json", description = "Print one JSON array of {orgId, name, created}.")
    boolean json;

    @Override
    public Integer call() {
      try (var offline = open(storage)) {
        var orgs = offline.identity().listOrgs();
        if (json) {
          var out = new java.util.ArrayList<Map<String, String>>();
          for (var o : orgs) {
            Map<String, String> row = new LinkedHashMap<>();
            row.put("orgId", o.id());
            row.put("name", o.name());
            row.put("created", o.createdAt().toString());
            out.add(row);
          }
          System.out.println(JsonMapper.builder().build().writeValueAsString(out));
        } else {
          for (var o : orgs) System.out.printf("%s  %-30s  %s%n", o.id(), o.name(), o.createdAt());
        }
        return 0;
      }
    }
  }
}
