package io.switchboard.server.routing;

import java.time.Instant;
import java.util.List;

/** An IVR: the numbers (DNIS) it answers and the INBOUNDCALL flow a call to them runs. */
public record Ivr(
    String id,
    String orgId,
    String name,
    String description,
    List<String> dnis,
    String flowId,
    long version,
    Instant createdAt,
    Instant modifiedAt) {}
