package io.switchboard.server.scripts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What a caller sends to create or replace a script. The server-owned fields of the Script shape
 * are accepted and ignored, so a client can GET a script, change it and PUT it back; {@code
 * version} is the optimistic lock of a PUT.
 */
@JsonIgnoreProperties({
  "id",
  "versionId",
  "createdDate",
  "modifiedDate",
  "publishedDate",
  "versionDate",
  "startPageName",
  "selfUri",
  "division"
})
public record ScriptRequest(
    String name,
    String startPageId,
    List<ScriptDocument.Variable> variables,
    List<PageRequest> pages,
    JsonNode features,
    JsonNode customActions,
    Long version) {

  @JsonIgnoreProperties({
    "versionId",
    "createdDate",
    "modifiedDate",
    "selfUri",
    "rootContainer",
    "properties"
  })
  public record PageRequest(String id, String name, List<ScriptDocument.Component> components) {}
}
