package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.client.ExternalApisApi;
import io.switchboard.client.ExternalApisApi.ExternalApi;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code switchboard external-apis set-timeout} against the real server, started in-process. */
class ExternalApisSetTimeoutIT {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  record Run(int exitCode, String out, String err) {
    List<String> tableRows() {
      return out.lines().filter(l -> l.matches("^[0-9a-f-]{36}  .*")).toList();
    }
  }

  record Org(TestServer.OrgAccess access, SwitchboardClient client) {}

  static Org orgWith60Apis() {
    var access = server.newOrg();
    var client =
        SwitchboardClient.builder()
            .baseUrl(server.baseUrl())
            .clientCredentials(access.clientId(), access.clientSecret())
            .build();
    for (int i = 0; i < 60; i++) {
      int timeout = i < 40 ? 3000 : i < 50 ? 5000 : 8000;
      String name = (i % 4 == 0 ? "Payments " : "CRM ") + i;
      client
          .externalApis()
          .create(
              new ExternalApisApi.NewExternalApi(
                  name,
                  "d" + i,
                  "POST",
                  "https://api.example.com/" + i,
                  timeout,
                  i % 3,
                  null,
                  null,
                  null,
                  null));
    }
    return new Org(access, client);
  }

  static Run run(String baseUrl, TestServer.OrgAccess org, String... args) {
    var r =
        CliRun.overApi(
            baseUrl,
            org.clientId(),
            org.clientSecret(),
            List.of("external-apis", "set-timeout"),
            args);
    return new Run(r.exitCode(), r.out(), r.err());
  }

  static Map<String, ExternalApi> byId(SwitchboardClient client) {
    return client
        .externalApis()
        .all(ExternalApisApi.Filter.NONE, 100)
        .collect(Collectors.toMap(ExternalApi::id, Function.identity()));
  }

  @Test
  void changes40ThenNothing() {
    Org org = orgWith60Apis();
    Map<String, ExternalApi> before = byId(org.client());

    Run first = run(server.baseUrl(), org.access(), "--to", "5000", "--where-timeout", "3000");
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.tableRows())
        .hasSize(40)
        .allMatch(l -> l.contains("3000") && l.contains("5000") && l.endsWith("changed"));
    assertThat(first.out())
        .contains("ID", "NAME", "FROM MS", "TO MS", "RESULT")
        .contains("40 changed to 5000 ms, 0 failed");

    Map<String, ExternalApi> after = byId(org.client());
    assertThat(after.values().stream().filter(a -> a.timeout() == 5000)).hasSize(50);
    assertThat(after.values().stream().filter(a -> a.timeout() == 8000)).hasSize(10);
    for (ExternalApi b : before.values()) {
      ExternalApi a = after.get(b.id());
      boolean target = b.timeout() == 3000;
      assertThat(a.version()).isEqualTo(target ? b.version() + 1 : b.version());
      // Only the timeout moved.
      assertThat(a.name()).isEqualTo(b.name());
      assertThat(a.description()).isEqualTo(b.description());
      assertThat(a.retry()).isEqualTo(b.retry());
      assertThat(a.url()).isEqualTo(b.url());
    }

    Run second = run(server.baseUrl(), org.access(), "--to", "5000", "--where-timeout", "3000");
    assertThat(second.exitCode()).isZero();
    assertThat(second.tableRows()).isEmpty();
    assertThat(second.out()).contains("0 changed to 5000 ms, 0 failed");
    assertThat(byId(org.client())).isEqualTo(after);
  }

  @Test
  void dryRunShowsWhatWouldChangeAndWritesNothing() {
    Org org = orgWith60Apis();
    Map<String, ExternalApi> before = byId(org.client());
    Run dry =
        run(server.baseUrl(), org.access(), "--to", "5000", "--where-timeout", "3000", "--dry-run");
    assertThat(dry.exitCode()).isZero();
    assertThat(dry.tableRows()).hasSize(40).allMatch(l -> l.endsWith("would change"));
    assertThat(dry.out())
        .contains("Dry run: 40 would change to 5000 ms")
        .contains("Nothing was written");
    assertThat(byId(org.client())).isEqualTo(before);
  }

  @Test
  void nameGlobAndNoTimeoutFilterChangeExactlyTheMatchingOnes() {
    Org org = orgWith60Apis();
    // "Payments *": every 4th API (15), of which 10 at 3000, 3 at 5000, 2 at 8000.
    Run r = run(server.baseUrl(), org.access(), "--to", "7000", "--name", "payments *");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.tableRows()).hasSize(15).allMatch(l -> l.contains("Payments "));
    var after = byId(org.client()).values();
    assertThat(after.stream().filter(a -> a.timeout() == 7000))
        .hasSize(15)
        .allMatch(a -> a.name().startsWith("Payments "));
    assertThat(
            run(server.baseUrl(), org.access(), "--to", "7000", "--name", "payments *").tableRows())
        .isEmpty();
  }

  @Test
  void a429IsRetriedAfterTheServersRetryAfter() {
    Org org = orgWith60Apis();
    var refused = new AtomicInteger();
    try (var proxy =
        new ForwardingProxy(
            server.baseUrl(),
            (ex, body) -> {
              if (ex.getRequestMethod().equals("PATCH") && refused.getAndIncrement() < 2) {
                ForwardingProxy.answer(
                    ex,
                    429,
                    "{\"message\":\"Rate limit"
                        + " exceeded\",\"code\":\"too.many.requests\",\"status\":429,\"messageParams\":{}}",
                    "Retry-After",
                    "1");
                return true;
              }
              return false;
            })) {
      Run r = run(proxy.url(), org.access(), "--to", "5000", "--where-timeout", "3000");
      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(r.out()).contains("40 changed to 5000 ms, 0 failed");
      var patches = proxy.seen.stream().filter(s -> s.method().equals("PATCH")).toList();
      assertThat(patches).hasSize(42);
      assertThat(patches.get(0).status()).isEqualTo(429);
      assertThat(patches.get(1).status()).isEqualTo(429);
      assertThat(patches.get(2).status()).isEqualTo(200);
      assertThat(patches.get(2).path()).isEqualTo(patches.get(0).path());
      assertThat(TimeUnit.NANOSECONDS.toMillis(patches.get(1).atNanos() - patches.get(0).atNanos()))
          .isGreaterThanOrEqualTo(1000);
      assertThat(TimeUnit.NANOSECONDS.toMillis(patches.get(2).atNanos() - patches.get(1).atNanos()))
          .isGreaterThanOrEqualTo(1000);
    }
    assertThat(byId(org.client()).values().stream().filter(a -> a.timeout() == 5000)).hasSize(50);
  }

  @Test
  void aFailedUpdateIsReportedWithItsReasonAndTheExitCodeSaysSo() {
    Org org = orgWith60Apis();
    String victim =
        byId(org.client()).values().stream()
            .filter(a -> a.timeout() == 3000)
            .findFirst()
            .orElseThrow()
            .id();
    try (var proxy =
        new ForwardingProxy(
            server.baseUrl(),
            (ex, body) -> {
              if (ex.getRequestMethod().equals("PATCH")
                  && ex.getRequestURI().getPath().endsWith(victim)) {
                ForwardingProxy.answer(
                    ex,
                    422,
                    "{\"message\":\"locked by a"
                        + " deployment\",\"code\":\"api.locked\",\"status\":422,\"messageParams\":{}}");
                return true;
              }
              return false;
            })) {
      Run r = run(proxy.url(), org.access(), "--to", "5000", "--where-timeout", "3000");
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.tableRows()).hasSize(40);
      assertThat(r.tableRows().stream().filter(l -> l.startsWith(victim)))
          .singleElement()
          .asString()
          .contains("failed: 422 api.locked: locked by a deployment");
      assertThat(r.out()).contains("39 changed to 5000 ms, 1 failed");
      assertThat(r.err()).contains("1 update(s) failed");
    }
    // The next run picks up exactly what is left.
    Run retry = run(server.baseUrl(), org.access(), "--to", "5000", "--where-timeout", "3000");
    assertThat(retry.exitCode()).isZero();
    assertThat(retry.tableRows()).singleElement().asString().startsWith(victim);
  }

  @Test
  void aWriteInBetweenIsNotOverwritten() {
    Org org = orgWith60Apis();
    String raced =
        byId(org.client()).values().stream()
            .filter(a -> a.timeout() == 3000)
            .findFirst()
            .orElseThrow()
            .id();
    var once = new AtomicInteger();
    try (var proxy =
        new ForwardingProxy(
            server.baseUrl(),
            (ex, body) -> {
              // Just before our PATCH arrives, someone else sets this API to 4000.
              if (ex.getRequestMethod().equals("PATCH")
                  && ex.getRequestURI().getPath().endsWith(raced)
                  && once.getAndIncrement() == 0) {
                var current = org.client().externalApis().get(raced);
                org.client().externalApis().setTimeout(raced, 4000, current.version());
              }
              return false;
            })) {
      Run r = run(proxy.url(), org.access(), "--to", "5000", "--where-timeout", "3000");
      assertThat(r.exitCode()).isZero();
      assertThat(r.tableRows().stream().filter(l -> l.startsWith(raced)))
          .singleElement()
          .asString()
          .contains("skipped: no longer matches (timeout 4000)");
      assertThat(r.out()).contains("39 changed to 5000 ms, 0 failed, 1 skipped");
    }
    assertThat(org.client().externalApis().get(raced).timeout()).isEqualTo(4000);
  }

  @Test
  void usageErrorsExitWith2() {
    var org = server.newOrg();
    Run bad = run(server.baseUrl(), org, "--to", "999");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("--to must be between 1000 and 30000");
    var cli = Main.commandLine();
    var err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    assertThat(
            cli.execute(
                "external-apis", "set-timeout", "--to", "5000", "--base-url", server.baseUrl()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("SWITCHBOARD_CLIENT_ID").doesNotContain(org.clientSecret());
    Run wrongSecret =
        run(
            server.baseUrl(),
            new TestServer.OrgAccess(org.orgId(), org.clientId(), "wrong"),
            "--to",
            "5000");
    assertThat(wrongSecret.exitCode()).isEqualTo(1);
    assertThat(wrongSecret.err()).contains("401");
  }
}
