package io.switchboard.cli.load;

import java.util.List;

/**
 * What setup made in the target org: the published script, the agents with their calls in progress,
 * and the OAuth clients the burst uses (created for the run, deleted after it).
 */
record Fixture(String scriptId, List<Agent> agents, List<Credentials> burstClients) {
  record Agent(int index, String userId, String name, String conversationId) {}

  record Credentials(String clientId, String clientSecret) {
    @Override
    public String toString() {
      return "Credentials[" + clientId + "]";
    }
  }
}
