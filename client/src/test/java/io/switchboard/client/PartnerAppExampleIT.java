package io.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Builds {@code examples/partner-app} from its source against this build of the library and runs
 * its main class against the real server with two orgs: the example in the user guide works.
 */
class PartnerAppExampleIT {
  static final Path EXAMPLE = Path.of("..", "examples", "partner-app", "src", "main", "java");

  @Test
  void thePartnerAppExampleCompilesAndServesTwoOrgs() throws Exception {
    Path classes = Files.createTempDirectory("partner-app");
    List<String> sources;
    try (Stream<Path> files = Files.walk(EXAMPLE)) {
      sources = files.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
    }
    assertThat(sources).isNotEmpty();
    var errors = new ByteArrayOutputStream();
    var args =
        new java.util.ArrayList<String>(
            List.of(
                "-d",
                classes.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Xlint:all",
                "-Werror"));
    args.addAll(sources);
    int compiled =
        ToolProvider.getSystemJavaCompiler().run(null, errors, errors, args.toArray(String[]::new));
    assertThat(compiled).as(errors.toString(StandardCharsets.UTF_8)).isZero();

    // The example's 20 concurrent read-modify-write updates of one session retry on every lost
    // race: up to 20 + 19 + ... + 1 rounds of a read and a write, past the default 300-request
    // burst of one token. Paced at 5 a second from there, an update could wait out the example's
    // 10 s deadline (seen once in a full run). Like the server's race tests, this one lifts the
    // token limit; the pacing itself is tested in the client's own tests.
    try (TestServer server = TestServer.start(TestServer.NO_TOKEN_LIMIT)) {
      TestServer.OrgAccess a = server.newOrg();
      TestServer.OrgAccess b = server.newOrg();
      var out = new ByteArrayOutputStream();
      PrintStream original = System.out;
      try (var loader =
          new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
          loader
              .loadClass("example.partner.PartnerApp")
              .getMethod("main", String[].class)
              .invoke(
                  null,
                  (Object)
                      new String[] {
                        server.baseUrl(),
                        a.orgId(),
                        a.clientId(),
                        a.clientSecret(),
                        b.orgId(),
                        b.clientId(),
                        b.clientSecret()
                      });
        } catch (InvocationTargetException e) {
          throw new AssertionError("the example failed: " + e.getCause(), e.getCause());
        } finally {
          System.setOut(original);
        }
      }
      String printed = out.toString(StandardCharsets.UTF_8);
      for (String org : List.of(a.orgId(), b.orgId()))
        assertThat(printed)
            .contains(
                "org "
                    + org
                    + ": script reads 50 (requests 1), visits 20, correlation partner-"
                    + org.substring(0, 8)
                    + ", wrap-up recorded, missing session: 404 not.found, after wrap-up: 409"
                    + " session.completed");
    }
  }
}
