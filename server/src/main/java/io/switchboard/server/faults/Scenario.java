package io.switchboard.server.faults;

import java.util.List;

/** A named set of rules applied together (built in, or uploaded as YAML or JSON). */
public record Scenario(String name, String description, List<FaultRuleRequest> rules) {}
