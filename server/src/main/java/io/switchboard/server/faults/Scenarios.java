package io.switchboard.server.faults;

import io.switchboard.server.errors.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The ready scenarios (one YAML file each under {@code faults/scenarios/} on the class path, named
 * after the seeds) and the reader of uploaded ones. YAML is a superset of JSON: one reader serves
 * both.
 */
public final class Scenarios {
  public static final List<String> BUILT_IN =
      List.of(
          "login-burst-429",
          "session-lock-409",
          "bulk-update-429",
          "flaky-crm",
          "wrapup-after-close-404");
  static final int MAX_RULES = 50;
  static final int MAX_BYTES = 65_536;
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

  private final YAMLMapper yaml =
      YAMLMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  private final Map<String, Scenario> builtIn = new LinkedHashMap<>();

  public Scenarios() {
    for (String name : BUILT_IN) {
      try (InputStream in =
          Scenarios.class.getResourceAsStream("/faults/scenarios/" + name + ".yaml")) {
        if (in == null) throw new IllegalStateException("missing built-in scenario " + name);
        builtIn.put(name, parse(in.readAllBytes()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  public List<Scenario> builtIn() {
    return List.copyOf(builtIn.values());
  }

  public Optional<Scenario> builtIn(String name) {
    return Optional.ofNullable(builtIn.get(name));
  }

  /** An uploaded scenario: bounded in size and rule count, named like the built-in ones. */
  public Scenario parse(byte[] body) {
    if (body.length > MAX_BYTES)
      throw new Problem(
          Problem.Kind.TOO_LARGE,
          "request.entity.too.large",
          "A scenario may have at most " + MAX_BYTES + " bytes",
          Map.of("limitBytes", MAX_BYTES));
    Scenario s;
    try {
      s = yaml.readValue(body, Scenario.class);
    } catch (JacksonException e) {
      throw new Problem(
          Problem.Kind.BAD_REQUEST,
          "fault.scenario.unreadable",
          "The scenario is not valid YAML or JSON of the scenario shape: "
              + e.getOriginalMessage());
    }
    if (s == null) throw Problem.badRequest("A scenario is required");
    if (s.name() == null || !NAME.matcher(s.name()).matches())
      throw Problem.invalid("name", "must be 1-64 lower-case letters, digits and dashes");
    if (s.rules() == null || s.rules().isEmpty())
      throw Problem.invalid("rules", "at least one rule is required");
    if (s.rules().size() > MAX_RULES)
      throw Problem.invalid("rules", "at most " + MAX_RULES + " rules");
    return s;
  }
}
