package io.switchboard.server.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The official Genesys JavaScript SDK for {@link GenesysJsSdkIT}: the Node project in {@code
 * src/test/js/genesys-sdk} (its package-lock.json pins the SDK), installed by {@code npm ci} once
 * per lock file into a cache outside the clone, {@code ~/.cache/switchboard/js-sdk/<sha-256 of
 * package-lock.json>/} ({@code $XDG_CACHE_HOME} in place of {@code ~/.cache} when set), so that
 * later runs, from any clone, need no network. The check script runs from the clone and finds the
 * SDK through {@code NODE_PATH}.
 */
final class JsSdk {
  static final Path PROJECT = Path.of("src", "test", "js", "genesys-sdk");
  private static final String SDK = "purecloud-platform-client-v2";
  private static final Path ENSURE_NODE = Path.of("..", "bin", "ensure-node.sh");

  /** npm's first install downloads ~60 small packages (a few seconds here). */
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);

  /** apt-get update, then nodejs and npm with their dependencies. */
  private static final Duration APT_TIMEOUT = Duration.ofMinutes(10);

  private JsSdk() {}

  /** What a child process did: its exit code (-1 when it was killed at its timeout) and output. */
  record Run(int exitCode, String stdout, String stderr) {
    boolean succeeded() {
      return exitCode == 0;
    }
  }

  /**
   * Runs {@code node <script> <args>} from {@link #PROJECT} with the SDK installed; kills it (and
   * its children) after {@code timeout}.
   */
  static Run node(String script, List<String> args, Duration timeout) {
    Path nodeModules = install();
    var command = new ArrayList<String>(List.of("node", script));
    command.addAll(args);
    Path home = temporaryDirectory("sb-js-sdk-home-");
    try {
      // The SDK reads ~/.genesyscloudjavascript/config when there is one: a home of its own keeps a
      // developer's SDK configuration (logging to the console, another environment) out of the run.
      return run(
          command,
          PROJECT,
          Map.of("NODE_PATH", nodeModules.toString(), "HOME", home.toString()),
          timeout);
    } finally {
      deleteRecursively(home);
    }
  }

  /** The installed {@code node_modules} of the lock file, installing it on first use. */
  static synchronized Path install() {
    ensureNodeAndNpm();
    byte[] lock = read(PROJECT.resolve("package-lock.json"));
    Path target = cacheRoot().resolve(sha256(lock));
    Path nodeModules = target.resolve("node_modules");
    if (Files.isDirectory(nodeModules.resolve(SDK))) return nodeModules;
    try {
      Files.createDirectories(target.getParent());
      // Installed beside the target and renamed into place, so a run that is killed halfway, or
      // one racing another clone's, never leaves a half-installed target that looks complete.
      Path staging = Files.createTempDirectory(target.getParent(), target.getFileName() + ".");
      try {
        Files.copy(PROJECT.resolve("package.json"), staging.resolve("package.json"));
        Files.write(staging.resolve("package-lock.json"), lock);
        // --prefer-offline: what npm's own cache holds is taken without asking the registry (the
        // lock's hashes check it), so a new cache directory fills without a network; offline, npm
        // otherwise retried the registry for minutes first. --ignore-scripts: nothing in the tree
        // needs an install script, so none gets to run.
        Run npm =
            run(
                List.of(
                    "npm", "ci", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"),
                staging,
                Map.of(),
                INSTALL_TIMEOUT);
        if (!npm.succeeded())
          throw new IllegalStateException(
              "npm ci of "
                  + PROJECT.resolve("package-lock.json")
                  + " failed (exit "
                  + npm.exitCode()
                  + "; its first install needs the npm registry, later runs use "
                  + target
                  + "):\n"
                  + npm.stdout()
                  + npm.stderr());
        // Runs only ever rename a complete install into place: an incomplete target was left by
        // something else (a cache cleaner, a hand), and would refuse the rename.
        if (Files.exists(target) && !Files.isDirectory(nodeModules.resolve(SDK)))
          deleteRecursively(target);
        try {
          Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          // Another run renamed its install into place first: as good as ours.
          if (!Files.isDirectory(nodeModules.resolve(SDK))) throw e;
        }
      } finally {
        if (Files.exists(staging)) deleteRecursively(staging);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return nodeModules;
  }

  private static void ensureNodeAndNpm() {
    if (onPath("node") && onPath("npm")) return;
    // Installs Debian's nodejs and npm as root; otherwise it fails naming what to install.
    Run ensure = run(List.of(ENSURE_NODE.toString()), Path.of("."), Map.of(), APT_TIMEOUT);
    if (!ensure.succeeded() || !onPath("node") || !onPath("npm"))
      throw new IllegalStateException(
          "The JavaScript SDK test needs node (18 or later) and npm on the PATH: run"
              + " bin/ensure-node.sh as root, or apt-get install nodejs npm.\n"
              + ensure.stdout()
              + ensure.stderr());
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) return false;
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
    }
    return false;
  }

  private static Path cacheRoot() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("switchboard").resolve("js-sdk");
  }

  private static Run run(
      List<String> command, Path directory, Map<String, String> env, Duration timeout) {
    Path out = temporaryFile("sb-js-sdk-out-");
    Path err = temporaryFile("sb-js-sdk-err-");
    try {
      var builder =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!exited) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
      }
      String stderr = Files.readString(err);
      return new Run(
          exited ? process.exitValue() : -1,
          Files.readString(out),
          exited ? stderr : stderr + "\n" + command.getFirst() + " killed after " + timeout);
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command.getFirst(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      deleteRecursively(out);
      deleteRecursively(err);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path temporaryDirectory(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path temporaryFile(String prefix) {
    try {
      return Files.createTempFile(prefix, ".txt");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path path) {
    try (Stream<Path> all = Files.walk(path)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
