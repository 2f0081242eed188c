package io.switchboard.cli.load;

import io.switchboard.client.ApiException;
import io.switchboard.client.CircuitOpenException;
import io.switchboard.client.ClientStats;
import io.switchboard.client.DeadlineExceededException;
import io.switchboard.client.SessionsApi.NewSession;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.client.SwitchboardException;
import io.switchboard.client.TransportException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Agents logging in through the Switchboard client library: cached script, batched sessions,
 * deadlines.
 */
final class SwitchboardDriver implements AgentDriver {
  private final SwitchboardClient client;
  private final String scriptId;

  SwitchboardDriver(
      String baseUrl,
      Fixture.Credentials credentials,
      String scriptId,
      Duration deadline,
      HttpClient http) {
    this.client =
        SwitchboardClient.builder()
            .baseUrl(baseUrl)
            .clientCredentials(credentials.clientId(), credentials.clientSecret())
            .deadline(deadline)
            .httpClient(http)
            .build();
    this.scriptId = scriptId;
  }

  @Override
  public String login(Fixture.Agent agent, Instant deadline) {
    try {
      Duration left = left(deadline);
      if (left.isNegative() || left.isZero()) return "deadline.exceeded";
      client.withDeadline(left).publishedScripts().get(scriptId);
      left = left(deadline);
      if (left.isNegative() || left.isZero()) return "deadline.exceeded";
      client
          .withDeadline(left)
          .sessions()
          .create(
              new NewSession(
                  scriptId,
                  agent.conversationId(),
                  agent.userId(),
                  Map.of("agentName", agent.name())));
      return null;
    } catch (DeadlineExceededException e) {
      return "deadline.exceeded";
    } catch (ApiException e) {
      return e.code();
    } catch (CircuitOpenException e) {
      return "circuit.open";
    } catch (TransportException e) {
      return "connection.failed";
    } catch (SwitchboardException e) {
      return "client.error";
    }
  }

  private static Duration left(Instant deadline) {
    return Duration.between(Clock.systemUTC().instant(), deadline);
  }

  @Override
  public Counts counts() {
    ClientStats s = client.stats();
    return new Counts(s.requestsSent(), s.throttled(), s.retries());
  }

  @Override
  public void close() {
    client.close();
  }
}
