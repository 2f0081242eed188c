package io.switchboard.cli.load;

import io.switchboard.client.ConversationsApi.NewCall;
import io.switchboard.client.LimitsApi;
import io.switchboard.client.LimitsApi.Limit;
import io.switchboard.client.OAuthClientsApi.NewOAuthClient;
import io.switchboard.client.OAuthClientsApi.OAuthClient;
import io.switchboard.client.ScriptsApi;
import io.switchboard.client.ScriptsApi.ScriptDraft;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.client.UsersApi.NewUser;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.IntConsumer;

/**
 * Creates what the burst needs in the target org with the admin credentials, through clients that
 * are not measured: a published script with an {@code agentName} variable, N agents each on a call
 * in progress, and K OAuth clients for the burst itself. Afterwards it removes what it made: the
 * calls are disconnected, the agents, the script draft and the K clients deleted, so a run against
 * a real org leaves it as it was.
 *
 * <p>Setup spreads its requests over several access tokens (one per {@value #REQUESTS_PER_TOKEN}
 * requests), so the default per-token limit (300 per minute) does not stretch setup into minutes;
 * the burst's own clients get fresh tokens, so setup spends none of their quota.
 */
final class BurstSetup implements AutoCloseable {
  static final int REQUESTS_PER_TOKEN = 250;
  private static final int PARALLEL = 16;

  private final List<SwitchboardClient> clients = new ArrayList<>();
  private final List<String> createdClients = new ArrayList<>();
  private final List<String> createdUsers = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<String> createdCalls = new java.util.concurrent.CopyOnWriteArrayList<>();
  private String createdScript;
  private final boolean removeOnClose;

  /**
   * {@code removeOnClose} false: the target is a throwaway server ({@code --local}) that is
   * discarded with its data, so nothing is removed one by one (under a tight {@code --token-limit}
   * that removal would wait minutes for tokens the burst used up).
   */
  BurstSetup(
      String baseUrl,
      Fixture.Credentials admin,
      int agents,
      HttpClient http,
      boolean removeOnClose) {
    this.removeOnClose = removeOnClose;
    int tokens = Math.max(1, (2 * agents + 10 + REQUESTS_PER_TOKEN - 1) / REQUESTS_PER_TOKEN);
    for (int i = 0; i < tokens; i++) {
      clients.add(
          SwitchboardClient.builder()
              .baseUrl(baseUrl)
              .clientCredentials(admin.clientId(), admin.clientSecret())
              .deadline(Duration.ofSeconds(120))
              .httpClient(http)
              .build());
    }
  }

  /** Makes the fixture; {@code progress} hears the count of agents ready so far. */
  Fixture create(int agents, int burstClients, String runId, IntConsumer progress)
      throws InterruptedException {
    SwitchboardClient admin = clients.get(0);
    var variable =
        new ScriptsApi.Variable(
            "agentName", "string", true, false, null, "the agent's name, set at login");
    var greeting =
        new ScriptsApi.Component(
            "greeting",
            "text",
            "Hello {{agentName}}, here is your call.",
            null,
            null,
            null,
            null,
            null,
            null);
    var done =
        new ScriptsApi.Component(
            "done", "button", null, "Done", null, null, null, "complete", null);
    var page = new ScriptsApi.ScriptPage("start", "Start", List.of(greeting, done));
    String scriptId =
        admin
            .scripts()
            .create(
                new ScriptDraft(
                    "load-burst " + runId,
                    "start",
                    List.of(variable),
                    List.of(page),
                    null,
                    null,
                    null))
            .id();
    createdScript = scriptId;
    admin.publishedScripts().publish(scriptId);

    var credentials = new ArrayList<Fixture.Credentials>();
    for (int k = 0; k < burstClients; k++) {
      OAuthClient c =
          admin
              .oauthClients()
              .create(
                  new NewOAuthClient(
                      "load-burst-" + runId + "-" + k,
                      "created by load burst; deleted after the run",
                      null,
                      List.of("scripts", "agent-scripting")));
      createdClients.add(c.id());
      credentials.add(new Fixture.Credentials(c.id(), c.secret()));
    }

    var slots = new Semaphore(PARALLEL);
    var ready = new java.util.concurrent.atomic.AtomicInteger();
    var futures = new ArrayList<Future<Fixture.Agent>>();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < agents; i++) {
        int index = i;
        SwitchboardClient c = clients.get(i % clients.size());
        Callable<Fixture.Agent> task =
            () -> {
              slots.acquire();
              try {
                String name = "Agent " + (index + 1);
                String userId =
                    c.users()
                        .create(
                            new NewUser(
                                name,
                                "agent-" + runId + "-" + index + "@load.invalid",
                                "Load test",
                                null))
                        .id();
                createdUsers.add(userId);
                String conversationId =
                    c.conversations()
                        .createCall(
                            new NewCall(
                                "+1555" + String.format("%07d", index),
                                "+18005550100",
                                userId,
                                null))
                        .id();
                createdCalls.add(conversationId);
                progress.accept(ready.incrementAndGet());
                return new Fixture.Agent(index, userId, name, conversationId);
              } finally {
                slots.release();
              }
            };
        futures.add(pool.submit(task));
      }
      var list = new ArrayList<Fixture.Agent>();
      for (var f : futures) list.add(f.get());
      return new Fixture(scriptId, List.copyOf(list), List.copyOf(credentials));
    } catch (ExecutionException e) {
      throw new IllegalStateException("setup failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /** A changed org limit; closing it puts the old value back. */
  interface Restore extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Sets the org's per-token limit for the burst (after setup, so setup is not slowed by it) and
   * returns what puts it back: the org's own value, or the default when the org had none.
   */
  Restore tokenLimit(long perMinute) {
    var limits = clients.get(0).limits();
    Long before = value(limits.get(LimitsApi.PLATFORM_API));
    Long byDefault = value(limits.defaults(LimitsApi.PLATFORM_API));
    limits.set(List.of(Limit.of(LimitsApi.TOKEN_RATE, perMinute)));
    Long restore = before != null && before.equals(byDefault) ? null : before;
    return () -> limits.set(List.of(Limit.of(LimitsApi.TOKEN_RATE, restore)));
  }

  private static Long value(List<Limit> limits) {
    return limits.stream()
        .filter(l -> l.key().equals(LimitsApi.TOKEN_RATE))
        .map(Limit::value)
        .findFirst()
        .orElse(null);
  }

  /**
   * Removes what setup made, calls first (an agent's call ends before the agent goes), spread over
   * the setup clients like setup itself. Best effort: a failure here does not change the report;
   * leftovers are named {@code load-burst <run>}, {@code agent-<run>-<i>@load.invalid}, {@code
   * load-burst-<run>-<k>}.
   */
  @Override
  public void close() {
    try {
      if (!removeOnClose) return;
      forEach(createdCalls, (c, id) -> c.conversations().disconnect(id));
      forEach(createdUsers, (c, id) -> c.users().delete(id));
      if (createdScript != null) forEach(List.of(createdScript), (c, id) -> c.scripts().delete(id));
      forEach(createdClients, (c, id) -> c.oauthClients().delete(id));
    } finally {
      clients.forEach(SwitchboardClient::close);
    }
  }

  private void forEach(
      List<String> ids, java.util.function.BiConsumer<SwitchboardClient, String> removal) {
    var slots = new Semaphore(PARALLEL);
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < ids.size(); i++) {
        SwitchboardClient c = clients.get(i % clients.size());
        String id = ids.get(i);
        pool.submit(() -> {
          slots.acquireUninterruptibly();
          try {
            removal.accept(c, id);
          } catch (RuntimeException ignored) {
            // Best effort (see above).
          } finally {
            slots.release();
          }
        });
      }
    }
  }
}
