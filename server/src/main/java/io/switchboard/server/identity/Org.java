package io.switchboard.server.identity;

import java.time.Instant;

public record Org(String id, String name, Instant createdAt) {}
