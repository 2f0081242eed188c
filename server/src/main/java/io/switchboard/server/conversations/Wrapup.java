package io.switchboard.server.conversations;

import java.time.Instant;
import java.util.List;

/** A recorded wrap-up: the code (its id), the code's name when recorded, and the agent's notes. */
public record Wrapup(
    String code,
    String name,
    String notes,
    List<String> tags,
    Integer durationSeconds,
    Instant endTime) {}
