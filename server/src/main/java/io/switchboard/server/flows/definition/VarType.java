package io.switchboard.server.flows.definition;

import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import io.switchboard.server.http.Json;
import java.time.Instant;
import java.util.Locale;

/**
 * An Archy variable type: {@code string, integer, decimal, boolean, dateTime} or a collection of
 * one; ANY when untyped.
 */
public record VarType(Base base, boolean collection) {
  public enum Base {
    STRING("string", SimpleType.STRING),
    INTEGER("integer", SimpleType.INT),
    DECIMAL("decimal", SimpleType.DOUBLE),
    BOOLEAN("boolean", SimpleType.BOOL),
    DATETIME("dateTime", SimpleType.TIMESTAMP),
    ANY("any", SimpleType.DYN);

    final String archyName;
    final CelType cel;

    Base(String archyName, CelType cel) {
      this.archyName = archyName;
      this.cel = cel;
    }
  }

  public static final VarType ANY = new VarType(Base.ANY, false);

  /** A dateTime as text, as the wire writes every date: UTC with exactly milliseconds. */
  public static String text(Instant dateTime) {
    return Json.WIRE_DATE.format(dateTime);
  }

  public static final VarType STRING = new VarType(Base.STRING, false);
  public static final VarType INTEGER = new VarType(Base.INTEGER, false);
  public static final VarType BOOLEAN = new VarType(Base.BOOLEAN, false);

  /**
   * {@code string}, {@code stringCollection}, {@code integer}, ... as Archy names statements and
   * declarations.
   */
  public static VarType ofArchy(String name) {
    boolean collection = name.endsWith("Collection");
    String base = collection ? name.substring(0, name.length() - "Collection".length()) : name;
    for (Base b : Base.values()) {
      if (b != Base.ANY && b.archyName.equalsIgnoreCase(base)) return new VarType(b, collection);
    }
    return null;
  }

  public CelType celType() {
    return collection ? ListType.create(base.cel) : base.cel;
  }

  /** Whether an expression of CEL type {@code t} may be stored in a variable of this type. */
  public boolean accepts(CelType t) {
    if (base == Base.ANY
        || t.kind() == CelKind.DYN
        || t.kind() == CelKind.NULL_TYPE
        || t.kind() == CelKind.ERROR) return true;
    if (collection) {
      if (t.kind() != CelKind.LIST) return false;
      CelType elem = ((ListType) t).elemType();
      return new VarType(base, false).accepts(elem);
    }
    return switch (base) {
      case STRING -> t.kind() == CelKind.STRING;
      case INTEGER -> t.kind() == CelKind.INT;
      case DECIMAL -> t.kind() == CelKind.DOUBLE || t.kind() == CelKind.INT;
      case BOOLEAN -> t.kind() == CelKind.BOOL;
      case DATETIME -> t.kind() == CelKind.TIMESTAMP;
      case ANY -> true;
    };
  }

  @Override
  public String toString() {
    return collection ? base.archyName + "Collection" : base.archyName;
  }

  public static String describe(CelType t) {
    return switch (t.kind()) {
      case INT -> "integer";
      case DOUBLE -> "decimal";
      case BOOL -> "boolean";
      case TIMESTAMP -> "dateTime";
      case LIST -> "collection";
      default -> t.name().toLowerCase(Locale.ROOT);
    };
  }
}
