package io.switchboard.server.scripts;

import io.switchboard.server.errors.Checks;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.scripts.ScriptDocument.Component;
import io.switchboard.server.scripts.ScriptDocument.ScriptPage;
import io.switchboard.server.scripts.ScriptDocument.Variable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Checks a script request and builds its document (ids filled in where the caller left them out).
 * Every error names where it is: a variable's name, or the page (id and name) and the component
 * (id) at fault.
 */
public final class ScriptValidator {
  public static final int MAX_VARIABLES = 500;
  public static final int MAX_PAGES = 100;
  public static final int MAX_COMPONENTS = 500;
  public static final Set<String> VARIABLE_TYPES = Set.of("string", "number", "boolean");
  public static final Set<String> INPUT_TYPES = Set.of("text", "number", "checkbox", "select");

  private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_\\-]{1,64}");

  private ScriptValidator() {}

  public static String name(String name) {
    return Checks.requiredText("name", name, 200);
  }

  public static ScriptDocument document(ScriptRequest r) {
    List<Variable> variables = variables(r.variables() == null ? List.of() : r.variables());
    Map<String, Variable> byName = new LinkedHashMap<>();
    for (Variable v : variables) byName.put(v.name(), v);

    List<ScriptRequest.PageRequest> given = r.pages() == null ? List.of() : r.pages();
    if (given.size() > MAX_PAGES) throw Problem.invalid("pages", "at most " + MAX_PAGES + " pages");
    var pages = new ArrayList<ScriptPage>();
    Set<String> pageIds = new HashSet<>();
    Set<String> componentIds = new HashSet<>();
    for (int i = 0; i < given.size(); i++) {
      ScriptRequest.PageRequest p = given.get(i);
      if (p == null) throw Problem.invalid("pages[" + i + "]", "must be an object");
      String pageId = p.id() == null ? UUID.randomUUID().toString() : p.id();
      if (!ID.matcher(pageId).matches())
        throw Problem.invalid("pages[" + i + "].id", "must be 1 to 64 letters, digits, '-' or '_'");
      if (!pageIds.add(pageId))
        throw Problem.invalid("pages[" + i + "].id", "page id " + pageId + " is used twice");
      if (p.name() == null || p.name().isBlank() || p.name().length() > 200)
        throw Problem.invalid("pages[" + i + "].name", "is required, at most 200 characters");
      List<Component> components = p.components() == null ? List.of() : p.components();
      if (components.size() > MAX_COMPONENTS)
        throw Problem.invalid(
            "pages[" + i + "].components", "at most " + MAX_COMPONENTS + " components per page");
      var checked = new ArrayList<Component>();
      var where = new PageRef(i, pageId, p.name().trim());
      for (int j = 0; j < components.size(); j++) {
        checked.add(component(where, j, components.get(j), byName, componentIds));
      }
      pages.add(new ScriptPage(pageId, p.name().trim(), List.copyOf(checked)));
    }

    String start = r.startPageId();
    if (start == null) {
      start = pages.isEmpty() ? null : pages.get(0).id();
    } else if (!pageIds.contains(start)) {
      throw new Problem(
          Problem.Kind.INVALID,
          "invalid.value",
          "startPageId: " + start + " is not a page of this script",
          Map.of("field", "startPageId", "pageId", start));
    }
    return new ScriptDocument(
        start,
        variables,
        List.copyOf(pages),
        object("features", r.features()),
        object("customActions", r.customActions()));
  }

  private static List<Variable> variables(List<Variable> given) {
    if (given.size() > MAX_VARIABLES)
      throw Problem.invalid("variables", "at most " + MAX_VARIABLES + " variables");
    var out = new ArrayList<Variable>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < given.size(); i++) {
      Variable v = given.get(i);
      String field = "variables[" + i + "]";
      if (v == null) throw Problem.invalid(field, "must be an object");
      if (v.name() == null || !VARIABLE_NAME.matcher(v.name()).matches()) {
        throw Problem.invalid(
            field + ".name",
            "must start with a letter or '_' and hold at most 64 letters, digits or '_'");
      }
      if (!names.add(v.name()))
        throw variableProblem(field + ".name", v.name(), "is declared twice");
      if (v.type() == null || !VARIABLE_TYPES.contains(v.type()))
        throw variableProblem(field + ".type", v.name(), "type must be string, number or boolean");
      JsonNode def =
          v.defaultValue() == null || v.defaultValue().isNull() ? null : v.defaultValue();
      if (def != null && !matchesType(v.type(), def))
        throw variableProblem(
            field + ".defaultValue", v.name(), "default value must be a " + v.type());
      if (v.description() != null && v.description().length() > 1000)
        throw variableProblem(
            field + ".description", v.name(), "description must be at most 1000 characters");
      out.add(
          new Variable(
              v.name(),
              v.type(),
              Boolean.TRUE.equals(v.input()),
              Boolean.TRUE.equals(v.output()),
              def,
              v.description()));
    }
    return List.copyOf(out);
  }

  private record PageRef(int index, String id, String name) {}

  private static Component component(
      PageRef page, int j, Component c, Map<String, Variable> variables, Set<String> ids) {
    String field = "pages[" + page.index() + "].components[" + j + "]";
    if (c == null) throw componentProblem(page, field, null, "must be an object", Map.of());
    String id = c.id() == null ? UUID.randomUUID().toString() : c.id();
    if (!ID.matcher(id).matches())
      throw componentProblem(
          page, field + ".id", id, "id must be 1 to 64 letters, digits, '-' or '_'", Map.of());
    if (!ids.add(id))
      throw componentProblem(
          page, field + ".id", id, "component id is used twice in the script", Map.of());
    if (c.type() == null)
      throw componentProblem(
          page, field + ".type", id, "type is required (text, input or button)", Map.of());
    // Lengths first: nothing longer than the limit is scanned.
    if (c.text() != null && c.text().length() > 10_000)
      throw componentProblem(
          page, field + ".text", id, "text must be at most 10000 characters", Map.of());
    if (c.label() != null && c.label().length() > 1000)
      throw componentProblem(
          page, field + ".label", id, "label must be at most 1000 characters", Map.of());
    placeholders(page, field + ".text", id, c.text(), variables);
    placeholders(page, field + ".label", id, c.label(), variables);
    switch (c.type()) {
      case "text" -> {
        if (c.text() == null)
          throw componentProblem(
              page, field + ".text", id, "a text component needs text", Map.of());
        return new Component(id, "text", c.text(), c.label(), null, null, null, null, null);
      }
      case "input" -> {
        String inputType = c.inputType() == null ? "text" : c.inputType();
        if (!INPUT_TYPES.contains(inputType))
          throw componentProblem(
              page,
              field + ".inputType",
              id,
              "inputType must be text, number, checkbox or select",
              Map.of());
        Variable v = bound(page, field + ".variable", id, c.variable(), variables);
        String needs =
            switch (inputType) {
              case "number" -> "number";
              case "checkbox" -> "boolean";
              default -> "string";
            };
        if (!v.type().equals(needs)) {
          throw componentProblem(
              page,
              field + ".variable",
              id,
              "a "
                  + inputType
                  + " input needs a "
                  + needs
                  + " variable; "
                  + v.name()
                  + " is a "
                  + v.type(),
              Map.of("variable", v.name()));
        }
        List<String> options = null;
        if (inputType.equals("select")) {
          if (c.options() == null
              || c.options().isEmpty()
              || c.options().stream().anyMatch(o -> o == null || o.isEmpty())) {
            throw componentProblem(
                page, field + ".options", id, "a select input needs non-empty options", Map.of());
          }
          options = List.copyOf(c.options());
        } else if (c.options() != null) {
          throw componentProblem(
              page, field + ".options", id, "options belong to select inputs only", Map.of());
        }
        return new Component(
            id, "input", null, c.label(), inputType, v.name(), options, null, null);
      }
      case "button" -> {
        String action = c.action() == null ? "complete" : c.action();
        if (action.equals("complete"))
          return new Component(id, "button", null, c.label(), null, null, null, "complete", null);
        if (!action.equals("setVariable"))
          throw componentProblem(
              page, field + ".action", id, "action must be complete or setVariable", Map.of());
        Variable v = bound(page, field + ".variable", id, c.variable(), variables);
        if (c.value() == null || c.value().isNull() || !matchesType(v.type(), c.value())) {
          throw componentProblem(
              page,
              field + ".value",
              id,
              "the value set into " + v.name() + " must be a " + v.type(),
              Map.of("variable", v.name()));
        }
        return new Component(
            id, "button", null, c.label(), null, v.name(), null, "setVariable", c.value());
      }
      default ->
          throw componentProblem(
              page,
              field + ".type",
              id,
              "type must be text, input or button, got '" + c.type() + "'",
              Map.of());
    }
  }

  private static Variable bound(
      PageRef page,
      String field,
      String componentId,
      String name,
      Map<String, Variable> variables) {
    if (name == null)
      throw componentProblem(page, field, componentId, "names no variable", Map.of());
    Variable v = variables.get(name);
    if (v == null)
      throw componentProblem(
          page,
          field,
          componentId,
          "is bound to unknown variable '" + name + "'",
          Map.of("variable", name));
    return v;
  }

  private static void placeholders(
      PageRef page,
      String field,
      String componentId,
      String text,
      Map<String, Variable> variables) {
    if (text == null) return;
    for (var f = TextPlaceholders.find(text, 0);
        f != null;
        f = TextPlaceholders.find(text, f.end())) {
      String name = f.name();
      if (!variables.containsKey(name)) {
        throw componentProblem(
            page,
            field,
            componentId,
            "placeholder {{" + name + "}} names unknown variable '" + name + "'",
            Map.of("variable", name));
      }
    }
  }

  public static boolean matchesType(String type, JsonNode value) {
    return switch (type) {
      case "string" -> value.isString();
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      default -> false;
    };
  }

  private static JsonNode object(String field, JsonNode node) {
    if (node == null || node.isNull()) return JsonNodeFactory.instance.objectNode();
    if (!node.isObject()) throw Problem.invalid(field, "must be an object");
    return node;
  }

  private static Problem variableProblem(String field, String variable, String message) {
    return new Problem(
        Problem.Kind.INVALID,
        "invalid.value",
        "Variable '" + variable + "': " + message,
        Map.of("field", field, "variable", variable));
  }

  private static Problem componentProblem(
      PageRef page, String field, String componentId, String message, Map<String, Object> extra) {
    var params = new LinkedHashMap<String, Object>();
    params.put("field", field);
    params.put("pageId", page.id());
    params.put("pageName", page.name());
    if (componentId != null) params.put("componentId", componentId);
    params.putAll(extra);
    String where =
        "Page '"
            + page.name()
            + "' ("
            + page.id()
            + ")"
            + (componentId == null ? "" : ", component " + componentId);
    return new Problem(Problem.Kind.INVALID, "invalid.value", where + ": " + message, params);
  }
}
