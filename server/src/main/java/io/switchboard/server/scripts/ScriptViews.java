package io.switchboard.server.scripts;

import io.switchboard.server.identity.Divisions;
import io.switchboard.server.scripts.ScriptDocument.Component;
import io.switchboard.server.scripts.ScriptDocument.ScriptPage;
import io.switchboard.server.scripts.ScriptDocument.Variable;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The Genesys Script and Page shapes, for drafts and for published versions. */
public final class ScriptViews {
  private ScriptViews() {}

  public record PageView(
      String id,
      String name,
      String versionId,
      Instant createdDate,
      Instant modifiedDate,
      RootContainer rootContainer,
      List<Component> components,
      String selfUri) {}

  /**
   * Genesys's page layout: the official SDKs read a page's content only from its {@code
   * rootContainer}, so it holds the same components as {@code components} (kept for our callers).
   */
  public record RootContainer(String type, List<Component> children) {
    static final String VERTICAL_STACK = "verticalStack";
  }

  /**
   * {@code version} is the draft's optimistic lock; a published version has none (it never
   * changes).
   */
  public record ScriptView(
      String id,
      String name,
      String versionId,
      Long version,
      Instant createdDate,
      Instant modifiedDate,
      Instant publishedDate,
      Instant versionDate,
      String startPageId,
      String startPageName,
      JsonNode features,
      List<Variable> variables,
      JsonNode customActions,
      List<PageView> pages,
      Divisions.Ref division,
      String selfUri) {}

  public static ScriptView of(Script s) {
    String self = "/api/v2/scripts/" + s.id();
    ScriptDocument d = s.document();
    return new ScriptView(
        s.id(),
        s.name(),
        s.versionId(),
        s.version(),
        s.createdAt(),
        s.modifiedAt(),
        s.publishedAt(),
        s.modifiedAt(),
        d.startPageId(),
        d.startPageName(),
        d.features(),
        d.variables(),
        d.customActions(),
        pages(d, s.versionId(), s.createdAt(), s.modifiedAt(), self),
        Divisions.home(s.orgId()),
        self);
  }

  public static ScriptView of(PublishedScript p) {
    String self = "/api/v2/scripts/published/" + p.scriptId();
    ScriptDocument d = p.document();
    return new ScriptView(
        p.scriptId(),
        p.name(),
        p.versionId(),
        null,
        p.scriptCreatedAt(),
        p.scriptModifiedAt(),
        p.publishedAt(),
        p.publishedAt(),
        d.startPageId(),
        d.startPageName(),
        d.features(),
        d.variables(),
        d.customActions(),
        pages(d, p.versionId(), p.scriptCreatedAt(), p.scriptModifiedAt(), self),
        Divisions.home(p.orgId()),
        self);
  }

  private static List<PageView> pages(
      ScriptDocument d, String versionId, Instant created, Instant modified, String scriptSelf) {
    return d.pages().stream().map(p -> page(p, versionId, created, modified, scriptSelf)).toList();
  }

  private static PageView page(
      ScriptPage p, String versionId, Instant created, Instant modified, String scriptSelf) {
    return new PageView(
        p.id(),
        p.name(),
        versionId,
        created,
        modified,
        new RootContainer(RootContainer.VERTICAL_STACK, p.components()),
        p.components(),
        scriptSelf + "/pages/" + p.id());
  }
}
