package io.switchboard.cli.load;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code switchboard load cluster ...}: the checks {@code bench/cluster.sh} runs against a cluster
 * of nodes behind a balancer (docs/deploy.md). Each prints what it measured and exits 1 when a
 * check fails.
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description =
        "Checks of a running cluster (bench/cluster.sh): cluster-wide state, writes, limits.",
    subcommands = {
      ClusterCommand.Checks.class,
      ClusterCommand.Writes.class,
      ClusterCommand.Limit.class
    })
public final class ClusterCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Where the cluster is and the admin OAuth client of the org the checks use. */
  static final class Target {
    @Option(
        names = "--balancer",
        required = true,
        paramLabel = "URL",
        description = "The balancer.")
    String balancer;

    @Option(
        names = "--node",
        required = true,
        paramLabel = "URL",
        description = "A node's own URL (repeat; at least two for the cross-node checks).")
    List<String> nodes;

    @Option(names = "--client-id", required = true, paramLabel = "ID")
    String clientId;

    @Option(names = "--client-secret", required = true, paramLabel = "SECRET")
    String clientSecret;

    Fixture.Credentials admin() {
      return new Fixture.Credentials(clientId, clientSecret);
    }
  }

  @Command(
      name = "checks",
      mixinStandardHelpOptions = true,
      description =
          "Cluster-wide behaviour across two nodes: one rate limit, idempotency keys, revocation,"
              + " published-script and limit changes, notifications, flow traces.")
  static final class Checks implements Callable<Integer> {
    @Mixin Target target;

    @Option(names = "--quota", defaultValue = "60", description = "Per-minute limit to test with.")
    int quota;

    @Override
    public Integer call() throws Exception {
      if (target.nodes.size() < 2) throw new IllegalArgumentException("--node twice at least");
      return new ClusterChecks(target.balancer, target.nodes, target.admin(), System.out).run(quota)
          ? 0
          : 1;
    }
  }

  @Command(
      name = "limit",
      mixinStandardHelpOptions = true,
      description =
          "Sends 4x the quota of requests of one endpoint group, alternating between the nodes, and"
              + " counts the 2xx against the quota: shared (Redis) or per node (fallback).")
  static final class Limit implements Callable<Integer> {
    @Mixin Target target;

    @Option(names = "--quota", defaultValue = "60", description = "Per-minute limit to test with.")
    int quota;

    @Option(
        names = "--expect",
        defaultValue = "shared",
        description = "shared: at most one quota in all; per-node: each node its own quota.")
    String expect;

    @Override
    public Integer call() {
      var checks = new ClusterChecks(target.balancer, target.nodes, target.admin(), System.out);
      return checks.limitOnly(quota, expect.equals("per-node")) ? 0 : 1;
    }
  }

  @Command(
      name = "writes",
      mixinStandardHelpOptions = true,
      description =
          "Session merge-patches and keyed session creations through the client library for a"
              + " while, then verifies that every acknowledged write is there and no keyed creation"
              + " landed twice. Meant to run while the caller injects a fault.")
  static final class Writes implements Callable<Integer> {
    @Mixin Target target;

    @Option(names = "--writers", defaultValue = "16", description = "Concurrent writers.")
    int writers;

    @Option(
        names = "--duration",
        defaultValue = "20s",
        converter = DurationConverter.class,
        description = "How long to write (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
        names = "--label",
        defaultValue = "writes",
        description = "Name of the run in the report line.")
    String label;

    @Override
    public Integer call() throws Exception {
      if (duration.compareTo(Duration.ofMinutes(5)) > 0 || writers < 1 || writers > 256)
        throw new IllegalArgumentException("--duration at most 5m, --writers 1..256");
      return new ClusterWrites(target.balancer, target.admin(), writers, duration, label)
              .run(System.out)
          ? 0
          : 1;
    }
  }
}
