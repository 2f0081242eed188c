package io.switchboard.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

/** {@code /api/v2/routing/wrapupcodes}: the org's wrap-up codes (scope {@code routing}). */
public final class WrapupCodesApi {
  private static final String BASE = "/api/v2/routing/wrapupcodes";

  private final SwitchboardClient client;

  WrapupCodesApi(SwitchboardClient client) {
    this.client = client;
  }

  /**
   * A wrap-up code.
   *
   * @param id the code id (what a wrap-up names)
   * @param name its name
   * @param dateCreated when it was created
   * @param dateModified its last change
   * @param createdBy the OAuth client that created it
   * @param modifiedBy the OAuth client that last changed it
   * @param selfUri its path
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record WrapupCode(
      String id,
      String name,
      Instant dateCreated,
      Instant dateModified,
      String createdBy,
      String modifiedBy,
      String selfUri) {}

  /**
   * Creates a code. Not retried.
   *
   * @param name the code's name
   * @return the new code
   */
  public WrapupCode create(String name) {
    return client.call(ApiRequest.post(BASE, Map.of("name", name)), WrapupCode.class);
  }

  /**
   * One code.
   *
   * @param id the code's id
   * @return the code ({@link ApiException.NotFoundException} if not in this org)
   */
  public WrapupCode get(String id) {
    return client.call(ApiRequest.get(BASE + "/" + Paths.segment(id)), WrapupCode.class);
  }

  /**
   * Renames a code.
   *
   * @param id the code's id
   * @param name the new name
   * @return the code as renamed
   */
  public WrapupCode rename(String id, String name) {
    return client.call(
        ApiRequest.put(BASE + "/" + Paths.segment(id), Map.of("name", name)), WrapupCode.class);
  }

  /**
   * Deletes a code.
   *
   * @param id the code's id
   */
  public void delete(String id) {
    client.send(ApiRequest.delete(BASE + "/" + Paths.segment(id)));
  }

  /**
   * One page of codes.
   *
   * @param pageNumber the page, from 1
   * @param pageSize items per page
   * @return the page
   */
  public Page<WrapupCode> list(int pageNumber, int pageSize) {
    return client.call(
        ApiRequest.get(BASE + "?pageSize=" + pageSize + "&pageNumber=" + pageNumber),
        client.pageOf(WrapupCode.class));
  }

  /**
   * Every code, fetched lazily.
   *
   * @param pageSize items per page
   * @return the items, fetched lazily
   */
  public Stream<WrapupCode> stream(int pageSize) {
    return Pages.stream(n -> list(n, pageSize));
  }
}
