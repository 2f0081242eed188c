package io.switchboard.server.conversations;

import java.util.Optional;

/**
 * Takes a call created without an agent when its number ({@code to}) is routed by another feature
 * (an IVR's DNIS): it creates the conversation itself and starts what answers it.
 */
@FunctionalInterface
public interface InboundCallRouter {
  /** The conversation created for a routed number, or empty when the number is not routed. */
  Optional<Conversation> route(String orgId, ConversationService.NewCall call);

  InboundCallRouter NONE = (orgId, call) -> Optional.empty();
}
