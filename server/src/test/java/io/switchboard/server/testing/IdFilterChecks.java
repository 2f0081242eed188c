package io.switchboard.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The {@code id} filter of a Genesys listing over HTTP, the same for every listing that has one:
 * repeated ({@code id=a&id=b}, the Java SDK) and comma-joined ({@code id=a,b}, the JavaScript SDK),
 * another org's and unknown ids left out, duplicates counted once, an empty value matching none,
 * paging fields of the filtered result, and at most 100 ids.
 */
public final class IdFilterChecks {
  private IdFilterChecks() {}

  /**
   * Checks {@code path}'s id filter. {@code own}: three entities of {@code token}'s org, in the
   * listing's order; {@code foreign}: an entity of {@code otherToken}'s org.
   */
  public static void check(
      Api api, String path, String token, List<String> own, String otherToken, String foreign) {
    String a = own.get(0);
    String b = own.get(1);
    String c = own.get(2);
    assertThat(ids(page(api, path + "?pageSize=500", token))).as("unfiltered").contains(a, b, c);

    JsonNode repeated = page(api, path + "?id=" + c + "&id=" + a, token);
    assertThat(ids(repeated)).containsExactly(a, c);
    assertThat(repeated.get("total").asLong()).isEqualTo(2);
    JsonNode joined = page(api, path + "?id=" + a + "," + c, token);
    assertThat(ids(joined)).containsExactly(a, c);
    assertThat(joined.get("total").asLong()).isEqualTo(2);

    // Another org's id, and one that exists nowhere, simply do not appear.
    assertThat(ids(page(api, path + "?id=" + foreign, otherToken)))
        .as("the other org's own listing has it")
        .containsExactly(foreign);
    JsonNode mixed =
        page(api, path + "?id=" + foreign + "," + b + "&id=" + UUID.randomUUID(), token);
    assertThat(ids(mixed)).containsExactly(b);
    assertThat(mixed.get("total").asLong()).isEqualTo(1);
    JsonNode notOurs = page(api, path + "?id=" + foreign, token);
    assertThat(ids(notOurs)).isEmpty();
    assertThat(notOurs.get("total").asLong()).isZero();

    JsonNode twice = page(api, path + "?id=" + b + "&id=" + b + "," + b, token);
    assertThat(ids(twice)).containsExactly(b);
    assertThat(twice.get("total").asLong()).isEqualTo(1);

    // id given with no value (what the JavaScript SDK sends for an empty array) matches none.
    for (String empty : List.of("?id=", "?id=,", "?id=&id=")) {
      JsonNode none = page(api, path + empty, token);
      assertThat(ids(none)).as(empty).isEmpty();
      assertThat(none.get("total").asLong()).as(empty).isZero();
    }
    assertThat(ids(page(api, path + "?id=&id=" + b, token))).containsExactly(b);

    // Paging describes the filtered result, and its links keep the filter.
    JsonNode second =
        page(api, path + "?id=" + c + "," + b + "," + a + "&pageSize=2&pageNumber=2", token);
    assertThat(ids(second)).containsExactly(c);
    assertThat(second.get("total").asLong()).isEqualTo(3);
    assertThat(second.get("pageCount").asInt()).isEqualTo(2);
    assertThat(second.get("pageNumber").asInt()).isEqualTo(2);
    assertThat(second.has("nextUri")).isFalse();
    String previous = second.get("previousUri").asString();
    assertThat(ids(page(api, previous, token))).containsExactly(a, b);

    // At most 100 distinct ids: more is 400, duplicates do not count.
    List<String> hundred = new ArrayList<>(List.of(a));
    while (hundred.size() < 100) hundred.add(UUID.randomUUID().toString());
    JsonNode atLimit = page(api, path + "?id=" + String.join(",", hundred), token);
    assertThat(ids(atLimit)).containsExactly(a);
    hundred.add(UUID.randomUUID().toString());
    var tooMany = api.get(path + "?id=" + String.join("&id=", hundred), token);
    assertThat(tooMany.status()).as(tooMany.toString()).isEqualTo(400);
    assertThat(tooMany.json().get("code").asString()).isEqualTo("invalid.value");
    assertThat(tooMany.json().get("message").asString())
        .contains("at most 100 ids")
        .contains("got 101");
    String repeats = path + "?id=" + String.join(",", Collections.nCopies(150, a));
    assertThat(ids(page(api, repeats, token))).containsExactly(a);
  }

  /** The 200 answer's body. */
  public static JsonNode page(Api api, String path, String token) {
    var r = api.get(path, token);
    assertThat(r.status()).as(path + " -> " + r).isEqualTo(200);
    return r.json();
  }

  /**
   * The {@code field} of each entity of the listing at {@code path} (a 200), in order, after
   * checking that its {@code total} counts exactly these: {@code path} asks for a page that holds
   * the whole filtered result.
   */
  public static List<String> listed(Api api, String path, String token, String field) {
    JsonNode listing = page(api, path, token);
    List<String> values =
        listing.get("entities").valueStream().map(e -> e.get(field).asString()).toList();
    assertThat(listing.get("total").asInt()).as(path).isEqualTo(values.size());
    return values;
  }

  /** The ids of a listing's entities, in order. */
  public static List<String> ids(JsonNode listing) {
    return listing.get("entities").valueStream().map(e -> e.get("id").asString()).toList();
  }
}
