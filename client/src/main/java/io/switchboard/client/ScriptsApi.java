package io.switchboard.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v2/scripts}: script drafts (scope {@code scripts}). Publishing and reading published
 * versions is {@link PublishedScriptsApi}.
 */
public final class ScriptsApi {
  private static final String BASE = "/api/v2/scripts";

  private final SwitchboardClient client;

  ScriptsApi(SwitchboardClient client) {
    this.client = client;
  }

  /**
   * A script in the Genesys shape: a draft (with {@code version}) or a published version (without).
   *
   * @param id the script id
   * @param name its name
   * @param versionId names this content
   * @param version the draft's optimistic lock (null for a published version)
   * @param createdDate when the script was created
   * @param modifiedDate its last save
   * @param publishedDate its last publish, or null
   * @param versionDate when this version was made
   * @param startPageId the first page
   * @param startPageName the first page's name
   * @param features the Genesys {@code features} object, as given
   * @param variables its variables
   * @param customActions the Genesys {@code customActions}, as given
   * @param pages its pages of components
   * @param selfUri its path
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Script(
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
      List<ScriptPage> pages,
      String selfUri) {}

  /**
   * A script variable.
   *
   * @param name its name, used in {@code {{name}}} placeholders
   * @param type {@code string}, {@code number} or {@code boolean}
   * @param input whether a session may set it from outside
   * @param output whether it is read out
   * @param defaultValue its value before anything sets it
   * @param description free text
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Variable(
      String name,
      String type,
      Boolean input,
      Boolean output,
      JsonNode defaultValue,
      String description) {}

  /**
   * A page of components.
   *
   * @param id the page id
   * @param name its name
   * @param components its components, in order
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ScriptPage(String id, String name, List<Component> components) {}

  /**
   * A component: {@code text} (with {@code {{variable}}} placeholders), {@code input} ({@code
   * inputType} text, number, checkbox or select, bound to {@code variable}) or {@code button}
   * ({@code action} {@code complete} or {@code setVariable} with {@code value}).
   *
   * @param id the component id
   * @param type text, input or button
   * @param text the text
   * @param label the label
   * @param inputType for inputs
   * @param variable the bound variable
   * @param options a select's options
   * @param action a button's action
   * @param value the value a setVariable button sets
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
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

  /**
   * What creates or replaces a script. {@code version} is required by {@link #replace} (the
   * optimistic lock).
   *
   * @param name the name
   * @param startPageId the first page
   * @param variables the variables
   * @param pages the pages
   * @param features optional Genesys features
   * @param customActions optional Genesys custom actions
   * @param version the version being replaced (null on create)
   */
  public record ScriptDraft(
      String name,
      String startPageId,
      List<Variable> variables,
      List<ScriptPage> pages,
      JsonNode features,
      JsonNode customActions,
      Long version) {}

  /**
   * Creates a draft. Not retried (no idempotency key on this endpoint).
   *
   * @param draft the draft
   * @return the new draft
   */
  public Script create(ScriptDraft draft) {
    return client.call(ApiRequest.post(BASE, draft), Script.class);
  }

  /**
   * One draft.
   *
   * @param id the script draft's id
   * @return the draft
   */
  public Script get(String id) {
    return client.call(ApiRequest.get(path(id)), Script.class);
  }

  /**
   * Replaces a draft; a stale {@code draft.version()} is {@link
   * ApiException.VersionMismatchException}.
   *
   * @param id the script draft's id
   * @param draft the draft
   * @return the draft as replaced
   */
  public Script replace(String id, ScriptDraft draft) {
    return client.call(ApiRequest.put(path(id), draft), Script.class);
  }

  /**
   * Deletes a draft (its published versions stay readable by running sessions).
   *
   * @param id the script draft's id
   */
  public void delete(String id) {
    client.send(ApiRequest.delete(path(id)));
  }

  /**
   * One page of the org's drafts; {@code name} filters (null for all).
   *
   * @param pageNumber the page, from 1
   * @param pageSize items per page
   * @param name a name filter, or null for all
   * @return the page
   */
  public Page<Script> list(int pageNumber, int pageSize, String name) {
    String query =
        "?pageSize="
            + pageSize
            + "&pageNumber="
            + pageNumber
            + (name == null ? "" : "&name=" + Paths.query(name));
    return client.call(ApiRequest.get(BASE + query), client.pageOf(Script.class));
  }

  /**
   * Every draft (matching {@code name}, or all for null), fetched lazily.
   *
   * @param pageSize items per page
   * @param name a name filter, or null for all
   * @return the items, fetched lazily
   */
  public Stream<Script> stream(int pageSize, String name) {
    return Pages.stream(n -> list(n, pageSize, name));
  }

  private static String path(String id) {
    return BASE + "/" + Paths.segment(id);
  }
}
