package io.switchboard.cli;

import io.switchboard.client.ApiException;
import io.switchboard.client.ExternalApisApi;
import io.switchboard.client.ExternalApisApi.ExternalApi;
import io.switchboard.client.RetrySettings;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.client.SwitchboardException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "external-apis",
    mixinStandardHelpOptions = true,
    description = "Bulk changes to a running server's external APIs (data actions), over its API.",
    subcommands = {ExternalApisCommand.SetTimeout.class})
final class ExternalApisCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * Where the server is and who is calling; the secret is best given by environment, not on the
   * command line.
   */
  static final class ApiOptions {
    @Option(
        names = "--base-url",
        paramLabel = "URL",
        defaultValue = "${env:SWITCHBOARD_BASE_URL}",
        description = "Server URL, e.g. http://127.0.0.1:8080 (or SWITCHBOARD_BASE_URL).")
    String baseUrl;

    @Option(
        names = "--client-id",
        paramLabel = "ID",
        defaultValue = "${env:SWITCHBOARD_CLIENT_ID}",
        description = "OAuth client id whose scopes cover the command (or SWITCHBOARD_CLIENT_ID).")
    String clientId;

    @Option(
        names = "--client-secret",
        paramLabel = "SECRET",
        defaultValue = "${env:SWITCHBOARD_CLIENT_SECRET}",
        description =
            "Its secret (prefer SWITCHBOARD_CLIENT_SECRET: a flag shows in the process list).")
    String clientSecret;

    @Option(
        names = "--deadline",
        paramLabel = "SECONDS",
        defaultValue = "120",
        description =
            "Longest one API call may take, waiting out 429s included (default ${DEFAULT-VALUE}).")
    int deadlineSeconds;

    SwitchboardClient client(CommandLine cmd) {
      require(cmd, baseUrl, "--base-url", "SWITCHBOARD_BASE_URL");
      require(cmd, clientId, "--client-id", "SWITCHBOARD_CLIENT_ID");
      require(cmd, clientSecret, "--client-secret", "SWITCHBOARD_CLIENT_SECRET");
      if (deadlineSeconds < 1)
        throw new CommandLine.ParameterException(cmd, "--deadline must be at least 1 second");
      return SwitchboardClient.builder()
          .baseUrl(baseUrl)
          .clientCredentials(clientId, clientSecret)
          .deadline(Duration.ofSeconds(deadlineSeconds))
          // A bulk job meets rate limits: more tries than an interactive call, each wait as the
          // server says.
          .retry(new RetrySettings(10, Duration.ofMillis(200), Duration.ofSeconds(30)))
          .build();
    }

    private static void require(CommandLine cmd, String value, String flag, String env) {
      if (value == null || value.isBlank())
        throw new CommandLine.ParameterException(
            cmd, "missing " + flag + " (or the environment variable " + env + ")");
    }
  }

  @Command(
      name = "set-timeout",
      mixinStandardHelpOptions = true,
      description = {
        "Sets the timeout of every matching external API, paging through all of them with"
            + " continuation tokens.",
        "Each change is a PATCH carrying the version it read, so nothing written meanwhile is"
            + " overwritten; 429s are retried after the server's Retry-After.",
        "Idempotent: APIs already at the target are left alone, so a second run changes nothing."
            + " Exit code 1 if any update failed."
      })
  static final class SetTimeout implements Callable<Integer> {
    static final int MIN = 1000;
    static final int MAX = 30_000;
    private static final int MAX_VERSION_RETRIES = 3;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ApiOptions api;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "MS",
        description = "The new timeout in milliseconds (1000..30000).")
    int to;

    @Option(
        names = "--where-timeout",
        paramLabel = "MS",
        description = "Only APIs whose timeout is now exactly this.")
    Integer whereTimeout;

    @Option(
        names = "--name",
        paramLabel = "GLOB",
        description =
            "Only APIs whose name matches (case-insensitive; * any run, ? one character).")
    String name;

    @Option(names = "--dry-run", description = "Show what would change; write nothing.")
    boolean dryRun;

    record Row(ExternalApi api, String result) {}

    @Override
    public Integer call() {
      CommandLine cmd = spec.commandLine();
      if (to < MIN || to > MAX)
        throw new CommandLine.ParameterException(
            cmd, "--to must be between " + MIN + " and " + MAX + " milliseconds, got " + to);
      PrintWriter out = cmd.getOut();
      PrintWriter err = cmd.getErr();
      try (SwitchboardClient client = api.client(cmd)) {
        var filter = new ExternalApisApi.Filter(name, whereTimeout);
        Pattern glob = name == null ? null : glob(name);
        int alreadyThere = 0;
        var targets = new ArrayList<ExternalApi>();
        // Read everything first: the set to change is fixed before the first write.
        for (ExternalApi a : client.externalApis().all(filter, 100).toList()) {
          // The server filtered already; the same rule here keeps what is changed plain to read.
          if (!matches(a, glob)) continue;
          if (a.timeout() == to) alreadyThere++;
          else targets.add(a);
        }
        var rows = new ArrayList<Row>();
        int failed = 0;
        int changed = 0;
        int skipped = 0;
        for (ExternalApi a : targets) {
          if (dryRun) {
            rows.add(new Row(a, "would change"));
            continue;
          }
          Row row = change(client, a, glob);
          rows.add(row);
          if (row.result().startsWith("failed")) failed++;
          else if (row.result().equals("changed")) changed++;
          else skipped++;
        }
        print(out, rows);
        if (dryRun) {
          out.printf(
              "Dry run: %d would change to %d ms, %d already at it. Nothing was written.%n",
              targets.size(), to, alreadyThere);
        } else {
          out.printf(
              "%d changed to %d ms, %d failed, %d skipped, %d already at it.%n",
              changed, to, failed, skipped, alreadyThere);
        }
        out.flush();
        if (failed > 0) {
          err.println(
              "error: "
                  + failed
                  + " update(s) failed; see the table for the reasons. Running the command again"
                  + " retries only those.");
          return 1;
        }
        return 0;
      } catch (ApiException e) {
        err.println("error: listing the external APIs failed: " + e.getMessage());
        return 1;
      } catch (SwitchboardException e) {
        err.println("error: " + e.getMessage());
        return 1;
      }
    }

    /**
     * One conditional PATCH; a version race re-reads and tries again while the API still matches.
     */
    private Row change(SwitchboardClient client, ExternalApi a, Pattern glob) {
      ExternalApi current = a;
      for (int attempt = 0; ; attempt++) {
        try {
          client.externalApis().setTimeout(current.id(), to, current.version());
          return new Row(current, "changed");
        } catch (ApiException.VersionMismatchException e) {
          // Someone wrote in between (or our own retried PATCH had landed): look again before
          // deciding.
          try {
            current = client.externalApis().get(a.id());
          } catch (ApiException.NotFoundException gone) {
            return new Row(a, "skipped: deleted meanwhile");
          } catch (SwitchboardException other) {
            return new Row(a, "failed: " + reason(other));
          }
          if (current.timeout() == to)
            return new Row(current, "already " + to + " (set meanwhile)");
          if (!matches(current, glob))
            return new Row(
                current, "skipped: no longer matches (timeout " + current.timeout() + ")");
          if (attempt >= MAX_VERSION_RETRIES)
            return new Row(
                current,
                "failed: kept changing under us (409 version.mismatch "
                    + (attempt + 1)
                    + " times)");
        } catch (SwitchboardException e) {
          return new Row(current, "failed: " + reason(e));
        }
      }
    }

    private boolean matches(ExternalApi a, Pattern glob) {
      return (whereTimeout == null || a.timeout() == whereTimeout)
          && (glob == null || glob.matcher(a.name()).matches());
    }

    private static String reason(SwitchboardException e) {
      if (e instanceof ApiException api)
        return api.status() + " " + api.code() + ": " + api.error().message();
      return e.getMessage();
    }

    /**
     * The server's glob: case-insensitive, {@code *} any run, {@code ?} one character, the rest
     * literal.
     */
    static Pattern glob(String glob) {
      var regex = new StringBuilder();
      for (char c : glob.toCharArray()) {
        switch (c) {
          case '*' -> regex.append(".*");
          case '?' -> regex.append('.');
          default -> regex.append(Pattern.quote(String.valueOf(c)));
        }
      }
      return Pattern.compile(
          regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
    }

    private void print(PrintWriter out, List<Row> rows) {
      if (rows.isEmpty()) return;
      int nameWidth =
          Math.max(
              4,
              Math.min(40, rows.stream().mapToInt(r -> r.api().name().length()).max().orElse(4)));
      String format = "%-36s  %-" + nameWidth + "s  %7s  %7s  %s%n";
      out.printf(format, "ID", "NAME", "FROM MS", "TO MS", "RESULT");
      for (Row r : rows) {
        String n = r.api().name();
        if (n.length() > nameWidth) n = n.substring(0, nameWidth - 3) + "...";
        out.printf(format, r.api().id(), n, r.api().timeout(), to, r.result());
      }
    }
  }
}
