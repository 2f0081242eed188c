package io.switchboard.server.scripts;

import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The content of a script: variables, pages of components, and the Genesys {@code features} and
 * {@code customActions} objects (kept as given). Always valid: {@link ScriptValidator} builds it.
 */
public record ScriptDocument(
    String startPageId,
    List<Variable> variables,
    List<ScriptPage> pages,
    JsonNode features,
    JsonNode customActions) {

  /**
   * A script variable: a name, a type, whether a session may set it from outside / reads it out, a
   * default.
   */
  public record Variable(
      String name,
      String type,
      Boolean input,
      Boolean output,
      JsonNode defaultValue,
      String description) {}

  public record ScriptPage(String id, String name, List<Component> components) {}

  /**
   * A component of a page. {@code text}: {@code text} with {@code {{variable}}} placeholders.
   * {@code input}: {@code inputType} (text, number, checkbox, select) bound to {@code variable},
   * with {@code options} for a select. {@code button}: {@code action} {@code complete} (completes
   * the session) or {@code setVariable} (sets {@code variable} to {@code value}).
   */
  public record Component(
      String id,
      String type,
      String text,
      String label,
      String inputType,
      String variable,
      List<String> options,
      String action,
      JsonNode value) {}

  public Optional<Variable> variable(String name) {
    return variables.stream().filter(v -> v.name().equals(name)).findFirst();
  }

  public Optional<ScriptPage> page(String id) {
    return pages.stream().filter(p -> p.id().equals(id)).findFirst();
  }

  public String startPageName() {
    return startPageId == null ? null : page(startPageId).map(ScriptPage::name).orElse(null);
  }
}
