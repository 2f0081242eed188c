package io.switchboard.server.flows.definition;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node of a flow definition as written, with where it starts in the source (1-based line and
 * column), so every publish error can point at the line an author has to fix. Map keys are always
 * text: Archy's {@code yes:} and {@code no:} are names, never booleans.
 */
public sealed interface SourceNode {
  int line();

  int column();

  /** A scalar with its YAML/JSON kind: a quoted {@code "5"} is text, a bare {@code 5} a number. */
  record Scalar(Object value, int line, int column) implements SourceNode {
    public String text() {
      return value == null ? null : String.valueOf(value);
    }
  }

  record Sequence(List<SourceNode> items, int line, int column) implements SourceNode {}

  /** Entries keep their order and the location of their key. */
  record Mapping(Map<String, Entry> entries, int line, int column) implements SourceNode {
    public record Entry(String key, SourceNode value, int line, int column) {}

    public SourceNode get(String key) {
      Entry e = entries.get(key);
      return e == null ? null : e.value();
    }

    static Mapping empty(int line, int column) {
      return new Mapping(new LinkedHashMap<>(), line, column);
    }
  }

  /** A plain Java view (maps, lists, scalars) for echoing a definition back as JSON. */
  static Object plain(SourceNode n) {
    return switch (n) {
      case Scalar s -> s.value();
      case Sequence q -> q.items().stream().map(SourceNode::plain).toList();
      case Mapping m -> {
        var out = new LinkedHashMap<String, Object>();
        m.entries().forEach((k, e) -> out.put(k, plain(e.value())));
        yield out;
      }
    };
  }
}
