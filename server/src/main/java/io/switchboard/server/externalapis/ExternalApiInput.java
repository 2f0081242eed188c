package io.switchboard.server.externalapis;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What a caller sends to create, replace or patch an external API. Everything is nullable: for a
 * patch, absent means "leave as is"; for create and replace, absent means the default. The
 * read-only fields of the wire shape ({@code id, selfUri, dateCreated, dateModified}) are accepted
 * and ignored, so a fetched entity can be sent back with a change, as the Genesys SDK samples do.
 */
public record ExternalApiInput(
    String name,
    String description,
    String protocol,
    String method,
    String url,
    Integer timeout,
    Integer retry,
    List<ExternalApi.Header> headers,
    String credentialId,
    JsonNode requestTemplate,
    ExternalApi.ResponseMapping responseMapping,
    Long version,
    String id,
    String selfUri,
    Instant dateCreated,
    Instant dateModified) {

  /** The fields a caller can set (the read-only ones and {@code version} excluded). */
  public static final List<String> WRITABLE =
      List.of(
          "name",
          "description",
          "protocol",
          "method",
          "url",
          "timeout",
          "retry",
          "headers",
          "credentialId",
          "requestTemplate",
          "responseMapping");

  static ExternalApiInput of(ExternalApi a) {
    return new ExternalApiInput(
        a.name(),
        a.description(),
        a.protocol(),
        a.method(),
        a.url(),
        a.timeout(),
        a.retry(),
        a.headers(),
        a.credentialId(),
        a.requestTemplate(),
        a.responseMapping(),
        a.version(),
        a.id(),
        null,
        null,
        null);
  }
}
