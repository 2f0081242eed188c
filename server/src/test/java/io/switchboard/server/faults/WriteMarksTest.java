package io.switchboard.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WriteMarksTest {
  @Test
  void aWriteMarksItsPathAndTheResourcesAboveIt() {
    assertThat(WriteMarks.resourcePaths("/api/v2/conversations/c1/disconnect", true))
        .containsExactly("/api/v2/conversations/c1", "/api/v2/conversations/c1/disconnect");
    assertThat(WriteMarks.resourcePaths("/api/v2/conversations/c1/participants/p1/wrapup", true))
        .containsExactly(
            "/api/v2/conversations/c1",
            "/api/v2/conversations/c1/participants/p1",
            "/api/v2/conversations/c1/participants/p1/wrapup");
  }

  @Test
  void collectionsAndTheApiItselfAreNeverMarkedFromBelow() {
    assertThat(WriteMarks.resourcePaths("/api/v2/routing/wrapupcodes/a1b2", true))
        .containsExactly("/api/v2/routing/wrapupcodes/a1b2");
    assertThat(WriteMarks.resourcePaths("/api/v2/users", true)).isEmpty();
    assertThat(WriteMarks.resourcePaths("/api/v2/conversations/calls/c9", true))
        .containsExactly("/api/v2/conversations/calls/c9");
  }

  @Test
  void aReadLagsWhenItOrAResourceAboveItWasWritten() {
    var marks = new WriteMarks();
    marks.written("org", "/api/v2/conversations/c1/disconnect", 100);
    assertThat(marks.lastWrite("org", "/api/v2/conversations/c1/participants/p1/wrapup"))
        .isEqualTo(100);
    assertThat(marks.lastWrite("other", "/api/v2/conversations/c1")).isNull();
    assertThat(marks.lastWrite("org", "/api/v2/conversations/c2")).isNull();
  }
}
