package io.switchboard.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code /api/v2/architect/ivrs}: the numbers (DNIS) a call can arrive on and the inbound-call flow
 * each runs, in Genesys's IVR shape (scope {@code architect}).
 */
public final class IvrsApi {
  private static final String BASE = "/api/v2/architect/ivrs";

  private final SwitchboardClient client;

  IvrsApi(SwitchboardClient client) {
    this.client = client;
  }

  /**
   * A reference to another entity.
   *
   * @param id its id
   * @param name its name, when the server gives it
   * @param selfUri its path, when the server gives it
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Ref(String id, String name, String selfUri) {}

  /**
   * The flow an IVR runs, as written.
   *
   * @param id an {@code INBOUNDCALL} flow of the org
   */
  public record FlowRef(String id) {}

  /**
   * What creates or replaces an IVR.
   *
   * @param name its name, unique in the org
   * @param description a description, or null
   * @param dnis its numbers (an optional {@code +} and 3 to 20 digits; at most 50), each held by at
   *     most one IVR of the org
   * @param openHoursFlow the {@code INBOUNDCALL} flow calls run
   * @param version on a replace, the version it must still have (409 {@code version.mismatch}
   *     otherwise), or null for none
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record NewIvr(
      String name, String description, List<String> dnis, FlowRef openHoursFlow, Long version) {
    /**
     * An IVR without description or version precondition.
     *
     * @param name its name
     * @param flowId the {@code INBOUNDCALL} flow calls run
     * @param dnis its numbers
     * @return the request
     */
    public static NewIvr of(String name, String flowId, String... dnis) {
      return new NewIvr(name, null, List.of(dnis), new FlowRef(flowId), null);
    }
  }

  /**
   * An IVR (Genesys's IVR).
   *
   * @param id its id
   * @param name its name
   * @param description its description, or null
   * @param version its version (each change adds one)
   * @param dateCreated when it was created
   * @param dateModified its last change
   * @param state {@code active}
   * @param dnis its numbers
   * @param openHoursFlow the flow calls run
   * @param division its division (the org's home division)
   * @param selfUri its path
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Ivr(
      String id,
      String name,
      String description,
      long version,
      Instant dateCreated,
      Instant dateModified,
      String state,
      List<String> dnis,
      Ref openHoursFlow,
      Ref division,
      String selfUri) {}

  /**
   * Creates an IVR. Not retried. A number another IVR of the org holds is {@link
   * ApiException.ConflictException} {@code ivr.dnis.taken}.
   *
   * @param ivr what to create
   * @return the new IVR
   */
  public Ivr create(NewIvr ivr) {
    return client.call(ApiRequest.post(BASE, ivr), Ivr.class);
  }

  /**
   * One IVR.
   *
   * @param id its id
   * @return the IVR ({@link ApiException.NotFoundException} if not in this org)
   */
  public Ivr get(String id) {
    return client.call(ApiRequest.get(path(id)), Ivr.class);
  }

  /**
   * Replaces an IVR; with {@code ivr.version()} set, only if it still has that version.
   *
   * @param id its id
   * @param ivr its new content
   * @return the IVR as changed
   */
  public Ivr update(String id, NewIvr ivr) {
    return client.call(ApiRequest.put(path(id), ivr), Ivr.class);
  }

  /**
   * Deletes an IVR.
   *
   * @param id its id
   */
  public void delete(String id) {
    client.send(ApiRequest.delete(path(id)));
  }

  /**
   * One page of the org's IVRs.
   *
   * @param pageNumber the page, from 1
   * @param pageSize items per page
   * @param name only the IVR of this name (case-insensitive), or null for all
   * @return the page
   */
  public Page<Ivr> list(int pageNumber, int pageSize, String name) {
    var query = "?pageSize=" + pageSize + "&pageNumber=" + pageNumber;
    if (name != null) query += "&name=" + Paths.query(name);
    return client.callPage(ApiRequest.get(BASE + query), Ivr.class);
  }

  /**
   * Every IVR, fetched lazily page by page.
   *
   * @param pageSize items per page
   * @return the IVRs
   */
  public Stream<Ivr> stream(int pageSize) {
    return Pages.stream(n -> list(n, pageSize, null));
  }

  private static String path(String id) {
    return BASE + "/" + Paths.segment(id);
  }
}
