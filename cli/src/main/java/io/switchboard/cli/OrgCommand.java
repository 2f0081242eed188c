package io.switchboard.cli;

import io.switchboard.server.Switchboard;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;

@Command(name = "org", mixinStandardHelpOptions = true, description = "Administer organisations (offline, against --data or --db).", subcommands = {OrgCommand.Create.class})
final class OrgCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an org with an all-scopes admin client and print its credentials.")
  static final class Create implements Callable<Integer> {
    @Mixin StorageOptions storage;

    @Parameters(index = "0", paramLabel = "NAME", description = "The org's unique name.")
    String name;

    @Option(names = "--json", description = "Print one JSON object: orgId, name, clientId, clientSecret.")
    boolean json;

    @Override
    public Integer call() {
      try (var offline = Switchboard.offline(storage.settings(Map.of()))) {
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
}
