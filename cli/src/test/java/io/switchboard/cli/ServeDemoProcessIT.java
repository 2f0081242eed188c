package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged jar as a new user runs it: {@code serve --demo}, the printed credentials, a stop and
 * a restart.
 */
class ServeDemoProcessIT {
  static final JsonMapper JSON = JsonMapper.builder().build();
  @TempDir Path work;

  Process serve(Path data, Path log) throws IOException {
    return jar(log, "serve", "--port", "0", "--data", data.toString(), "--demo");
  }

  static Process jar(Path log, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var command =
        new java.util.ArrayList<>(List.of(java, "-jar", System.getProperty("switchboard.jar")));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  static JsonNode awaitJson(Path file, Process process) throws Exception {
    // A first demo start hashes six passwords and builds two orgs' content: on a loaded two-core CI
    // machine that has taken close to a minute, so the wait is generous.
    Instant until = Instant.now().plusSeconds(180);
    while (Instant.now().isBefore(until)) {
      if (!process.isAlive())
        throw new AssertionError("server exited early with " + process.exitValue());
      if (Files.isRegularFile(file)) {
        try {
          return JSON.readTree(file.toFile());
        } catch (RuntimeException partial) {
          // Being written; try again.
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError(file + " did not appear");
  }

  @Test
  void demoStartsPrintsWorkingCredentialsStopsGracefullyAndRestartsWithTheSameOnes()
      throws Exception {
    Path data = work.resolve("data");
    Path log = work.resolve("first.log");
    Process first = serve(data, log);
    String clientId;
    try {
      String baseUrl = awaitJson(data.resolve("server.json"), first).get("baseUrl").asString();
      // server.json is written last: by then the demo content and the printed guide are complete
      // and /health is 200.
      assertThat(data.resolve("demo-credentials.json")).exists();
      assertThat(Files.readString(log)).contains("curl");
      assertThat(new Api(baseUrl).get("/health", null).status()).isEqualTo(200);
      JsonNode credentials = awaitJson(data.resolve("demo-credentials.json"), first);
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(data.resolve("demo-credentials.json"))))
          .isEqualTo("rw-------");
      assertThat(credentials.get("baseUrl").asString()).isEqualTo(baseUrl);
      assertThat(credentials.get("orgs")).hasSize(2);
      assertThat(credentials.get("orgs").get(0).get("name").asString()).isEqualTo("acme");
      assertThat(credentials.get("orgs").get(1).get("name").asString()).isEqualTo("globex");
      JsonNode acme = credentials.get("orgs").get(0);
      clientId = acme.get("clientId").asString();

      Api api = new Api(baseUrl);
      String token = api.token(clientId, acme.get("clientSecret").asString());
      assertThat(api.get("/api/v2/oauth/clients", token).status()).isEqualTo(200);
      awaitLogContains(log, "curl");
      assertThat(Files.readString(log))
          .contains("acme", "globex", acme.get("clientSecret").asString(), "/oauth/token");
      // The pages: each org's panel URL with its sign-in client, and the users who sign in there.
      JsonNode acmePages = credentials.get("pages").get(0);
      assertThat(Files.readString(log))
          .contains(baseUrl + "/agent/?client_id=" + acmePages.get("clientId").asString())
          .contains(acmePages.get("users").get(0).get("username").asString())
          .contains(acmePages.get("users").get(0).get("password").asString());
    } finally {
      first.destroy(); // SIGTERM
    }
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).as("stops within the grace period").isTrue();
    assertThat(first.exitValue()).as("a clean stop on SIGTERM exits 0").isZero();
    assertThat(Files.readString(log)).contains("Stopping").endsWith("stopped\n");
    assertThat(data.resolve("server.json")).as("no server answers there any more").doesNotExist();

    // The H2 file was closed cleanly: a second start opens it and keeps the same demo credentials.
    Process second = serve(data, work.resolve("second.log"));
    try {
      String baseUrl = awaitJson(data.resolve("server.json"), second).get("baseUrl").asString();
      awaitLogContains(work.resolve("second.log"), "curl");
      JsonNode credentials = JSON.readTree(data.resolve("demo-credentials.json").toFile());
      JsonNode acme = credentials.get("orgs").get(0);
      assertThat(acme.get("clientId").asString()).isEqualTo(clientId);
      assertThat(
              new Api(baseUrl)
                  .token(acme.get("clientId").asString(), acme.get("clientSecret").asString()))
          .isNotBlank();
    } finally {
      second.destroy();
      second.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void offlineCommandsWhileTheServerRunsSaySoAndWhatToDoInstead() throws Exception {
    Path data = work.resolve("data");
    Process server = serve(data, work.resolve("server.log"));
    try {
      String baseUrl = awaitJson(data.resolve("server.json"), server).get("baseUrl").asString();

      Path orgLog = work.resolve("org.log");
      Process org = jar(orgLog, "org", "create", "late", "--json", "--data", data.toString());
      assertThat(org.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(org.exitValue()).isEqualTo(1);
      assertThat(Files.readString(orgLog))
          .contains(
              "a Switchboard server is running on the data directory",
              baseUrl,
              "stop it",
              baseUrl + "/api/v2/oauth/clients")
          .doesNotContain("Database may be already in use", "Exception");

      Path rotateLog = work.resolve("rotate.log");
      Process rotate =
          jar(rotateLog, "credentials", "rotate-key", "--generate", "--data", data.toString());
      assertThat(rotate.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(rotate.exitValue()).isEqualTo(1);
      assertThat(Files.readString(rotateLog))
          .contains("a Switchboard server is running", "stop it")
          .doesNotContain("Exception");

      try (var files = Files.list(data)) {
        assertThat(files.map(f -> f.getFileName().toString()))
            .noneMatch(name -> name.endsWith(".trace.db") || name.endsWith(".new"));
      }
    } finally {
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }

  static void awaitLogContains(Path log, String text) throws Exception {
    Instant until = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(until)) {
      if (Files.readString(log).contains(text)) return;
      Thread.sleep(100);
    }
    throw new AssertionError(log + " never said " + text + ": " + Files.readString(log));
  }
}
