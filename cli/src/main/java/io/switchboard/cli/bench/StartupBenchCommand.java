package io.switchboard.cli.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Start-up time of {@code serve} as a separate process: from the process's start to the first 200
 * of {@code /health} (which answers 503 until the server is ready), on the embedded H2 and, given
 * {@code --pg}, on PostgreSQL. Each run starts on an empty database (every migration runs) and then
 * once more on the same data (what a restart costs).
 */
@Command(
    name = "startup",
    mixinStandardHelpOptions = true,
    description =
        "Time from process start to the first 200 of /health, embedded H2 and (with --pg)"
            + " PostgreSQL, on an empty database and on a restart.")
public final class StartupBenchCommand implements Callable<Integer> {
  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Runs per database (default ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--pg",
      paramLabel = "JDBC_URL",
      description =
          "A PostgreSQL database to measure too, e.g."
              + " jdbc:postgresql://127.0.0.1:5432/test?user=postgres (each run makes its own"
              + " schema there and drops it).")
  String pg;

  @Option(
      names = "--jvm-option",
      paramLabel = "OPT",
      description = "Options of the server's JVM (default -Xmx512m).")
  List<String> jvmOptions = new ArrayList<>(List.of("-Xmx512m"));

  @Option(names = "--demo", description = "Start with serve --demo (the demo content is written).")
  boolean demo;

  @Option(
      names = "--cds",
      description =
          "Measure each database also with a class-data-sharing archive (as ./switchboard uses),"
              + " made by one unmeasured start first.")
  boolean cds;

  @Override
  public Integer call() throws Exception {
    System.out.println("load average before: " + ServerProcess.loadAverage());
    var databases = new ArrayList<String>();
    databases.add(null);
    if (pg != null) databases.add(pg);
    System.out.println(
        "| database | run | empty database: ms to first 200 | its CPU ms | restart: ms to first"
            + " 200 | its CPU ms |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    List<String> plain = jvmOptions;
    for (String db : databases) {
      measure(db, plain, "");
      if (cds) {
        Path archive = Files.createTempDirectory("switchboard-cds").resolve("serve.jsa");
        var withCds = new ArrayList<>(plain);
        withCds.addAll(
            List.of(
                "-XX:+AutoCreateSharedArchive",
                "-XX:SharedArchiveFile=" + archive,
                "-Xlog:cds=off,cds+dynamic=off"));
        // The archive is written when this first process exits.
        try (var unmeasured =
            start(Files.createTempDirectory("switchboard-startup"), db, List.of(), true, withCds)) {
          unmeasured.process.destroy();
          unmeasured.process.waitFor();
        }
        measure(db, withCds, ", CDS archive");
      }
    }
    System.out.println("load average after: " + ServerProcess.loadAverage());
    return 0;
  }

  private void measure(String db, List<String> options, String label) throws Exception {
    var empty = new ArrayList<Long>();
    var restart = new ArrayList<Long>();
    var emptyCpu = new ArrayList<Long>();
    var restartCpu = new ArrayList<Long>();
    for (int run = 1; run <= runs; run++) {
      Path dir = Files.createTempDirectory("switchboard-startup");
      long first;
      long second;
      long firstCpu;
      long secondCpu;
      List<String> args = demo ? List.of("--demo") : List.of();
      // The PostgreSQL schema must outlive the first process: the second start is a restart.
      try (var a = start(dir, db, args, true, options)) {
        first = a.startNanos;
        firstCpu = a.startCpuNanos;
        a.process.destroy();
        a.process.waitFor();
        try (var b = start(dir, a.schemaUrl(), args, false, options)) {
          second = b.startNanos;
          secondCpu = b.startCpuNanos;
        }
      }
      empty.add(first / 1_000_000);
      restart.add(second / 1_000_000);
      emptyCpu.add(firstCpu / 1_000_000);
      restartCpu.add(secondCpu / 1_000_000);
      System.out.printf(
          "| %s | %d | %d | %d | %d | %d |%n",
          (db == null ? "H2 (embedded)" : "PostgreSQL") + label,
          run,
          first / 1_000_000,
          firstCpu / 1_000_000,
          second / 1_000_000,
          secondCpu / 1_000_000);
    }
    System.out.printf(
        "| %s | median | %d | %d | %d | %d |%n",
        (db == null ? "H2 (embedded)" : "PostgreSQL") + label,
        median(empty),
        median(emptyCpu),
        median(restart),
        median(restartCpu));
  }

  private static ServerProcess start(
      Path dir, String db, List<String> args, boolean fresh, List<String> options)
      throws Exception {
    return ServerProcess.start(
        options,
        dir,
        db,
        args,
        Map.of("SWITCHBOARD_LOG_ACCESS", "false"),
        Duration.ofMinutes(3),
        fresh);
  }

  private static long median(List<Long> values) {
    return Math.round(Medians.of(values));
  }
}
