package io.switchboard.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WriteMarksTest {
  @Test
  void aPathNamesTheIdsAfterTheApiPrefix() {
    assertThat(WriteMarks.ids("/api/v2/conversations/c1/disconnect")).containsExactly("c1");
    assertThat(WriteMarks.ids("/api/v2/conversations/c1/participants/p1/wrapup"))
        .containsExactly("c1", "p1");
    assertThat(WriteMarks.ids("/api/v2/routing/wrapupcodes")).isEmpty();
    assertThat(WriteMarks.ids("/api/v2/users")).isEmpty();
    assertThat(WriteMarks.ids("/api/v2/conversations/calls/c9/")).containsExactly("c9");
  }

  @Test
  void aRequestLagsWhenAnIdItNamesWasWritten() {
    var marks = new WriteMarks();
    marks.written("org", "/api/v2/conversations/c1/disconnect", 100);
    assertThat(marks.lastWrite("org", "/api/v2/conversations/c1/participants/p1/wrapup"))
        .isEqualTo(100);
    assertThat(marks.lastWrite("org", "/api/v2/integrations/scripting/interactions/c1/wrapup"))
        .isEqualTo(100);
    assertThat(marks.lastWrite("other", "/api/v2/conversations/c1")).isNull();
    assertThat(marks.lastWrite("org", "/api/v2/conversations/c2")).isNull();
    assertThat(marks.lastWrite("org", "/api/v2/conversations")).isNull();
  }
}
