package io.switchboard.client;

import io.switchboard.client.ScriptsApi.Script;
import io.switchboard.client.ScriptsApi.Variable;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.core.type.TypeReference;

/**
 * {@code /api/v2/scripts/published}: published script versions (scope {@code scripts}).
 *
 * <p>Reads of a published script, its pages and its variables are cached with their {@code ETag}:
 * within the freshness window (builder {@code publishedScriptFreshness}, default 1 s) a read costs
 * no request; after it, a conditional request ({@code If-None-Match}) that the server answers 304
 * without spending rate-limit quota. Concurrent reads of the same script share one request, so 500
 * agents opening the same script at once cost one.
 */
public final class PublishedScriptsApi {
  private static final String BASE = "/api/v2/scripts/published";
  private static final TypeReference<List<Variable>> VARIABLES = new TypeReference<>() {};
  private static final TypeReference<List<ScriptsApi.ScriptPage>> PAGES = new TypeReference<>() {};

  private final SwitchboardClient client;

  PublishedScriptsApi(SwitchboardClient client) {
    this.client = client;
  }

  /**
   * Publishes the draft's current content as a new immutable version; later reads see it at once.
   *
   * @param scriptId the script
   * @return the published version
   */
  public Script publish(String scriptId) {
    Script published =
        client.call(ApiRequest.post(BASE, Map.of("scriptId", scriptId)), Script.class);
    client.core().publishedCache().clear();
    return published;
  }

  /**
   * The script's latest published version (cached, shared; see the class comment).
   *
   * @param scriptId the script
   * @return the published script
   */
  public Script get(String scriptId) {
    return client.json().readValue(cached(path(scriptId)), Script.class);
  }

  /**
   * The latest published version's variables (cached like {@link #get}).
   *
   * @param scriptId the script
   * @return the variables
   */
  public List<Variable> variables(String scriptId) {
    return client.json().readValue(cached(path(scriptId) + "/variables"), VARIABLES);
  }

  /**
   * The latest published version's pages (cached like {@link #get}).
   *
   * @param scriptId the script
   * @return the pages
   */
  public List<ScriptsApi.ScriptPage> pages(String scriptId) {
    return client.json().readValue(cached(path(scriptId) + "/pages"), PAGES);
  }

  /**
   * One page of the org's published scripts (not cached).
   *
   * @param pageNumber the page, from 1
   * @param pageSize items per page
   * @return the page
   */
  public Page<Script> list(int pageNumber, int pageSize) {
    return client.call(
        ApiRequest.get(BASE + "?pageSize=" + pageSize + "&pageNumber=" + pageNumber),
        client.pageOf(Script.class));
  }

  /**
   * Every published script, fetched lazily.
   *
   * @param pageSize items per page
   * @return the items, fetched lazily
   */
  public Stream<Script> stream(int pageSize) {
    return Pages.stream(n -> list(n, pageSize));
  }

  private byte[] cached(String path) {
    return client.cachedRead(path);
  }

  private static String path(String scriptId) {
    return BASE + "/" + Paths.segment(scriptId);
  }
}
