package io.switchboard.cli.bench;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code switchboard serve} as a separate JVM, for the benchmarks that measure a server process
 * from the outside (its heap with {@code jcmd}/{@code jstat}, its start-up time): the same jar and
 * java as this command, on a free loopback port, with its own data directory and log file.
 */
final class ServerProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final Process process;
  final String baseUrl;
  final Path dataDir;
  final Path log;

  /** Nanoseconds from the process's start to the first 200 of {@code /health}. */
  final long startNanos;

  /**
   * CPU time the process had used by then (all its threads), or -1 if unknown: on a shared machine
   * this says more than the wall time.
   */
  final long startCpuNanos;

  private final String schemaToDrop;
  private final String dbUrl;
  private final String serverDbUrl;

  private ServerProcess(
      Process process,
      String baseUrl,
      Path dataDir,
      Path log,
      long startNanos,
      long startCpuNanos,
      String dbUrl,
      String serverDbUrl,
      String schemaToDrop) {
    this.process = process;
    this.baseUrl = baseUrl;
    this.dataDir = dataDir;
    this.log = log;
    this.startNanos = startNanos;
    this.startCpuNanos = startCpuNanos;
    this.dbUrl = dbUrl;
    this.serverDbUrl = serverDbUrl;
    this.schemaToDrop = schemaToDrop;
  }

  /**
   * Starts {@code serve} and waits (at most {@code maxWait}) for its {@code /health} to answer 200.
   *
   * @param jvmOptions e.g. {@code -Xmx512m}
   * @param db a PostgreSQL JDBC URL, or null for the embedded H2 in {@code dataDir}
   * @param freshSchema with {@code db}: the server gets a fresh schema of that database, dropped on
   *     close (else {@code db} is used as it is)
   * @param serveArgs extra arguments of {@code serve}, e.g. {@code --demo}
   */
  static ServerProcess start(
      List<String> jvmOptions,
      Path dataDir,
      String db,
      List<String> serveArgs,
      Map<String, String> environment,
      Duration maxWait,
      boolean freshSchema)
      throws IOException {
    Files.createDirectories(dataDir);
    String schema = null;
    String url = db;
    if (db != null && freshSchema) {
      schema = "sb_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      try (var c = DriverManager.getConnection(db);
          var s = c.createStatement()) {
        s.execute("CREATE SCHEMA " + schema);
      } catch (SQLException e) {
        throw new IOException("cannot create a schema in " + db + ": " + e.getMessage(), e);
      }
      url = db + (db.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
    int port = ChildJvm.freePort();
    var command = new ArrayList<String>();
    command.add(ChildJvm.java());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar().toString());
    command.add("serve");
    command.add("--data");
    command.add(dataDir.toString());
    command.add("--port");
    command.add(Integer.toString(port));
    if (url != null) {
      command.add("--db");
      command.add(url);
    }
    command.addAll(serveArgs);
    Path log = dataDir.resolve("server.log");
    var builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    long started = System.nanoTime();
    Process p = builder.start();
    String baseUrl = "http://127.0.0.1:" + port;
    try {
      awaitHealthy(p, baseUrl, maxWait);
    } catch (RuntimeException e) {
      p.destroyForcibly();
      throw new IOException(
          "the server did not become healthy: "
              + e.getMessage()
              + "; its log: "
              + log
              + "\n"
              + tail(log),
          e);
    }
    long took = System.nanoTime() - started;
    long cpu = p.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    return new ServerProcess(p, baseUrl, dataDir, log, took, cpu, db, url, schema);
  }

  /** Polls every 10 ms: the start-up time is measured to that resolution. */
  private static void awaitHealthy(Process p, String baseUrl, Duration maxWait) {
    var request =
        HttpRequest.newBuilder(URI.create(baseUrl + "/health"))
            .timeout(Duration.ofSeconds(2))
            .build();
    RetryPolicy<Integer> untilHealthy =
        RetryPolicy.<Integer>builder()
            .handleResultIf(status -> status != 200)
            .handle(IOException.class)
            .abortOn(IllegalStateException.class)
            .withDelay(Duration.ofMillis(10))
            .withMaxRetries(-1)
            .withMaxDuration(maxWait)
            .build();
    int status =
        Failsafe.with(untilHealthy)
            .get(() -> {
              if (!p.isAlive())
                throw new IllegalStateException("the process exited with " + p.exitValue());
              return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            });
    if (status != 200) throw new IllegalStateException("/health answered " + status);
  }

  /** The JDBC URL the server was given (with its schema), or null for H2. */
  String schemaUrl() {
    return serverDbUrl;
  }

  long pid() {
    return process.pid();
  }

  /**
   * Forces a full GC in the server ({@code jcmd GC.run}) and answers the heap in use after it, in
   * bytes, from {@code jstat -gc} (survivors + eden + old: what the collectors count as used).
   */
  long heapUsedAfterGc() throws IOException, InterruptedException {
    String pid = Long.toString(pid());
    ChildJvm.jdkTool("jcmd", pid, "GC.run");
    String[] lines = ChildJvm.jdkTool("jstat", "-gc", pid).strip().split("\n");
    String[] names = lines[lines.length - 2].trim().split("\\s+");
    String[] values = lines[lines.length - 1].trim().split("\\s+");
    double kib = 0;
    for (int i = 0; i < names.length; i++) {
      if (List.of("S0U", "S1U", "EU", "OU").contains(names[i]))
        kib += Double.parseDouble(values[i]);
    }
    return (long) (kib * 1024);
  }

  /** The top of {@code jcmd GC.class_histogram} (the classes holding the most heap). */
  String histogram(int rows) throws IOException, InterruptedException {
    String[] lines =
        ChildJvm.jdkTool("jcmd", Long.toString(pid()), "GC.class_histogram").split("\n");
    var sb = new StringBuilder();
    for (int i = 0; i < lines.length && i < rows + 3; i++) sb.append(lines[i]).append('\n');
    return sb.toString();
  }

  boolean logMentions(String text) throws IOException {
    return Files.readString(log, StandardCharsets.ISO_8859_1).contains(text);
  }

  /** SIGTERM (a clean stop), then kill after 30 s; drops the schema it made in PostgreSQL. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    if (schemaToDrop != null) {
      try (var c = DriverManager.getConnection(dbUrl);
          var s = c.createStatement()) {
        s.execute("DROP SCHEMA " + schemaToDrop + " CASCADE");
      } catch (SQLException e) {
        System.err.println("could not drop schema " + schemaToDrop + ": " + e.getMessage());
      }
    }
  }

  /** The machine's load average (1, 5, 15 minutes), printed with each result. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static Path jar() {
    try {
      return Path.of(
          ServerProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }
}
