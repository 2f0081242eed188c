package io.switchboard.server.http;

import io.javalin.http.HttpStatus;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.json.JsonMapper;

/**
 * Errors Jetty answers before our handlers run (a request line or header it cannot parse, a URI or
 * headers over its limits, bad UTF-8 or control characters in the path) as the same ErrorBody JSON,
 * with a correlation id, instead of Jetty's HTML page or an empty body. Jetty's reason is generic
 * (it never echoes the request), and causes and stacks are never shown.
 */
final class JsonErrorHandler extends ErrorHandler {
  private final JsonMapper mapper;

  JsonErrorHandler(JsonMapper mapper) {
    this.mapper = mapper;
    setShowStacks(false);
    setShowCauses(false);
  }

  /** After the request line and headers were parsed: the caller's sane correlation id is kept. */
  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    String id = Correlation.sanitize(request.getHeaders().get(Correlation.HEADER));
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(Correlation.HEADER, id);
    // A request Jetty refused (an ambiguous or badly encoded URI) ends its connection: say so, or a
    // client
    // reuses the connection and its next request finds the socket closed.
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    response.write(true, ByteBuffer.wrap(body(code, message, id)), callback);
  }

  /**
   * The request could not be parsed at all (431, 414, bad characters): no request, so a new
   * correlation id.
   */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    String id = Correlation.newId();
    fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
    fields.put(Correlation.HEADER, id);
    // Jetty closes the connection after a message it could not parse; say so, or a client reuses it
    // and its
    // next request finds the socket closed.
    fields.put(HttpHeader.CONNECTION, "close");
    return ByteBuffer.wrap(body(status, reason, id));
  }

  private byte[] body(int status, String reason, String correlationId) {
    HttpStatus known = HttpStatus.forStatus(status);
    String code =
        known == HttpStatus.UNKNOWN
            ? "http." + status
            : known.name().toLowerCase(Locale.ROOT).replace('_', '.');
    String message = reason == null || reason.isBlank() ? known.getMessage() : reason;
    // Jetty's reasons are fixed texts; still, keep a line of printable text at most.
    message = message.replaceAll("[^\\x20-\\x7e]", "?");
    if (message.length() > 200) message = message.substring(0, 200);
    return mapper.writeValueAsBytes(
        ErrorBody.of(
            status,
            code,
            "The request was refused before it reached the API: " + message,
            Map.of(),
            correlationId));
  }
}
