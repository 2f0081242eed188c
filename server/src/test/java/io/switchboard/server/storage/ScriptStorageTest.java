package io.switchboard.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.http.Json;
import io.switchboard.server.scripts.ScriptRequest;
import io.switchboard.server.scripts.ScriptService;
import io.switchboard.server.scripts.ScriptStore;
import io.switchboard.server.testing.BothDatabases;
import io.switchboard.server.testing.MutableClock;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Scripts, publishing and listing, the same on H2 and PostgreSQL. */
class ScriptStorageTest {
  static ScriptRequest script(String name) {
    return new ScriptRequest(
        name,
        null,
        List.of(),
        List.of(new ScriptRequest.PageRequest("p", "P", List.of())),
        null,
        null,
        null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void publishingKeepsOneLatestVersionAndDeletingHidesIt(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var clock = new MutableClock();
          var service =
              new ScriptService(
                  new ScriptStore(db.jdbi(), db.directReads(), Json.newMapper()), clock);
          var s = service.create("org", script("Alpha"));
          var v1 = service.publish("org", s.id(), null);
          service.replace("org", s.id(), script("Alpha 2"), OptionalLong.of(1));
          var v2 = service.publish("org", s.id(), null);
          assertThat(v2.seq()).isEqualTo(2);
          assertThat(service.servedVersionId("org", s.id(), null)).isEqualTo(v2.versionId());
          assertThat(service.servedVersionId("org", s.id(), v1.versionId()))
              .isEqualTo(v1.versionId());
          var listed =
              service.listPublished(
                  "org", new ScriptStore.ListQuery(null, ScriptStore.SortField.NAME, true, 0, 10));
          assertThat(listed).hasSize(1);
          assertThat(listed.get(0).name()).isEqualTo("Alpha 2");
          assertThat(service.findLatestPublishedVersionId("org-2", s.id())).isEmpty();

          service.delete("org", s.id());
          assertThat(service.findLatestPublishedVersionId("org", s.id())).isEmpty();
          assertThat(
                  service.countPublished(
                      "org",
                      new ScriptStore.ListQuery(null, ScriptStore.SortField.NAME, true, 0, 10)))
              .isZero();
          assertThat(service.publishedVersion("org", v1.versionId()))
              .as("pinned sessions still render it")
              .isPresent();
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void listingFiltersEscapedNamesAndSorts(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var service =
              new ScriptService(
                  new ScriptStore(db.jdbi(), db.directReads(), Json.newMapper()),
                  new MutableClock());
          for (String n : List.of("b_1", "B%2", "a!3", "c")) service.create("org", script(n));
          var all = new ScriptStore.ListQuery(null, ScriptStore.SortField.NAME, false, 0, 10);
          // Only letters decide here: how punctuation sorts depends on the database's collation.
          var names = service.list("org", all).stream().map(x -> x.name()).toList();
          assertThat(names).hasSize(4).startsWith("c").endsWith("a!3");
          assertThat(
                  service.count(
                      "org",
                      new ScriptStore.ListQuery("_", ScriptStore.SortField.NAME, true, 0, 10)))
              .isEqualTo(1);
          assertThat(
                  service.count(
                      "org",
                      new ScriptStore.ListQuery("%", ScriptStore.SortField.NAME, true, 0, 10)))
              .isEqualTo(1);
          assertThat(
                  service.count(
                      "org",
                      new ScriptStore.ListQuery("!", ScriptStore.SortField.NAME, true, 0, 10)))
              .isEqualTo(1);
          assertThat(
                  service
                      .list(
                          "org",
                          new ScriptStore.ListQuery(null, ScriptStore.SortField.NAME, true, 3, 10))
                      .get(0)
                      .name())
              .isEqualTo("c");
        });
  }
}
