package io.switchboard.server.http;

import io.javalin.security.RouteRole;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * What an {@code /api/v2} route takes and returns, for the API reference, attached to the route
 * next to its {@link Scope} (a route role, so it is declared once, where the route is registered):
 *
 * <pre>{@code
 * routes.post(BASE, this::create, Scope.write(Scopes.X), Doc.of(ThingRequest.class, ThingView.class).created());
 * routes.get(BASE, this::list, Scope.read(Scopes.X), Doc.page(ThingView.class));
 * routes.delete(BASE + "/{id}", this::delete, Scope.write(Scopes.X), Doc.noContent().error(409, "thing.in.use"));
 * }</pre>
 *
 * Bodies are the record types the handler binds and writes ({@code apidocs.RecordSchemas} turns
 * them into JSON Schema); {@link #NONE} says "no body" and {@link #ANY} "free-form JSON" on
 * purpose. The errors every route can give (401, 403 {@code missing.scope}, 429, 400/413/415 for a
 * body, 404 for an {@code {id}}) are derived; {@link #error} adds the route's own codes. {@code
 * OpenApiDocumentIT} fails for an {@code /api/v2} route without a Doc, or with a body not declared.
 * A Doc grants nothing: the access check only looks at {@link Scope} and {@link PublicRoute}.
 */
public final class Doc implements RouteRole {

  /** The body is absent on purpose (a GET's request, a 204's response). */
  public static final Type NONE = Void.class;

  /** Any JSON value: a free-form document (e.g. a flow's input data, a script's variables). */
  public static final Type ANY = JsonNode.class;

  /** One stable ErrorBody {@code code} the route may answer, with its status. */
  public record ErrorCode(int status, String code) {}

  /** Another success answer of the route (e.g. 200 for an outbound call, 201 for an inbound). */
  public record Answer(int status, Type body) {}

  private Type request;
  private boolean requestRequired = true;
  private Type response;
  private int status;
  private List<String> consumes;
  private String produces = "application/json";
  private boolean idempotencyKey;
  private List<Answer> otherAnswers = List.of();
  private List<ErrorCode> errors = List.of();
  private Map<String, String> query = Map.of();

  private Doc(Type request, Type response) {
    this.request = Objects.requireNonNull(request, "request (Doc.NONE for no body)");
    this.response = Objects.requireNonNull(response, "response (Doc.NONE for no body)");
    this.status = response == NONE ? 204 : 200;
    this.consumes = request == NONE ? List.of() : List.of(RequestBodies.JSON);
  }

  private Doc copy() {
    Doc d = new Doc(request, response);
    d.requestRequired = requestRequired;
    d.status = status;
    d.consumes = consumes;
    d.produces = produces;
    d.idempotencyKey = idempotencyKey;
    d.otherAnswers = otherAnswers;
    d.errors = errors;
    d.query = query;
    return d;
  }

  /** Takes {@code request}, answers 200 with {@code response} (204 for {@link #NONE}). */
  public static Doc of(Type request, Type response) {
    return new Doc(request, response);
  }

  /** No request body; answers 200 with {@code response}. */
  public static Doc returns(Type response) {
    return of(NONE, response);
  }

  /** The description of a listing's division filter ({@link Requests#outsideHomeDivision}). */
  public static final String HOME_DIVISION_FILTER =
      "Repeated or comma-joined; every entity is in the org's Home division: naming Home (its id or"
          + " home) keeps all, naming only other divisions keeps none";

  /** No request body; answers a Genesys page-number listing ({@link Page}) of {@code entity}. */
  public static Doc page(Type entity) {
    return returns(pageOf(entity))
        .query("pageSize", "Entities per page, 1..500 (default 25)")
        .query("pageNumber", "Page number, from 1")
        .error(400, "invalid.value");
  }

  /** Takes {@code request}, answers 204 without a body. */
  public static Doc takes(Type request) {
    return of(request, NONE);
  }

  /** No body either way: 204. */
  public static Doc noContent() {
    return of(NONE, NONE);
  }

  /** The success status (200 unless said, 204 without a response body). */
  public Doc status(int status) {
    Doc d = copy();
    d.status = status;
    return d;
  }

  public Doc created() {
    return status(201);
  }

  public Doc accepted() {
    return status(202);
  }

  /** The route also answers {@code status} with {@code body} ({@link #NONE}: no body). */
  public Doc or(int status, Type body) {
    Doc d = copy();
    var all = new ArrayList<>(otherAnswers);
    all.add(new Answer(status, body));
    d.otherAnswers = List.copyOf(all);
    return d;
  }

  /** The body may be left out (the route then uses defaults). */
  public Doc bodyOptional() {
    Doc d = copy();
    d.requestRequired = false;
    return d;
  }

  /** The request media types accepted (JSON by default). */
  public Doc consumes(String... mediaTypes) {
    Doc d = copy();
    d.consumes = List.of(mediaTypes);
    return d;
  }

  /** The response media type (JSON by default). */
  public Doc produces(String mediaType) {
    Doc d = copy();
    d.produces = mediaType;
    return d;
  }

  /**
   * The handler is {@code Idempotency.wrap}ped: an {@code Idempotency-Key} header, 409 while the
   * first request with the key runs, 422 on a key reused with another body.
   */
  public Doc idempotent() {
    Doc d = copy();
    d.idempotencyKey = true;
    return d.error(409, "idempotency.request.in.progress").error(422, "idempotency.key.reused");
  }

  /** The route may answer {@code status} with each of {@code codes}. */
  public Doc error(int status, String... codes) {
    Doc d = copy();
    var all = new ArrayList<>(errors);
    for (String c : codes) all.add(new ErrorCode(status, c));
    d.errors = List.copyOf(all);
    return d;
  }

  /** A query parameter the route cannot do without (its description says so). */
  public Doc requiredQuery(String name, String description) {
    return query(name, description + " (required)");
  }

  /** A query parameter the route reads. */
  public Doc query(String name, String description) {
    Doc d = copy();
    var all = new LinkedHashMap<>(query);
    all.put(name, description);
    d.query = Collections.unmodifiableMap(all);
    return d;
  }

  /**
   * Every code the route can answer: those every route of its kind gives (derived from how it is
   * registered: authentication and gates unless public, the scope check, body reading, a path
   * parameter naming an entity) and those this Doc names.
   */
  public List<ErrorCode> errorCodes(boolean isPublic, boolean hasScope, boolean hasPathParameter) {
    List<ErrorCode> out = new ArrayList<>();
    if (!isPublic) {
      out.add(new ErrorCode(401, "authentication.required"));
      out.add(new ErrorCode(401, "bad.credentials"));
      out.add(new ErrorCode(403, "org.mismatch"));
      if (hasScope) out.add(new ErrorCode(403, "missing.scope"));
      out.add(new ErrorCode(429, "too.many.requests"));
      out.add(new ErrorCode(503, "service.unavailable"));
    }
    if (request != NONE) {
      out.add(new ErrorCode(400, "bad.request"));
      out.add(new ErrorCode(400, "invalid.value"));
      out.add(new ErrorCode(413, "request.entity.too.large"));
      out.add(new ErrorCode(415, "unsupported.media.type"));
    }
    if (hasPathParameter) out.add(new ErrorCode(404, "not.found"));
    out.add(new ErrorCode(500, "internal.server.error"));
    out.addAll(errors);
    return out;
  }

  /**
   * The body type of the answer with {@code status}, {@link #NONE} for one without a body, or null
   * when the Doc names no such answer (the last one named wins, as in {@link #answers()}).
   */
  public Type bodyFor(int status) {
    Type body = this.status == status ? response : null;
    for (Answer a : otherAnswers) if (a.status() == status) body = a.body();
    return body;
  }

  /** The success answers: the main one, then {@link #or} ones. */
  public List<Answer> answers() {
    var all = new ArrayList<Answer>();
    all.add(new Answer(status, response));
    all.addAll(otherAnswers);
    return all;
  }

  public Type request() {
    return request;
  }

  public boolean requestRequired() {
    return requestRequired;
  }

  public Type response() {
    return response;
  }

  public int status() {
    return status;
  }

  public List<Answer> otherAnswers() {
    return otherAnswers;
  }

  public List<String> consumes() {
    return consumes;
  }

  public String produces() {
    return produces;
  }

  public boolean idempotencyKey() {
    return idempotencyKey;
  }

  public List<ErrorCode> errors() {
    return errors;
  }

  public Map<String, String> query() {
    return query;
  }

  /** {@code List<element>} as a body type. */
  public static Type listOf(Type element) {
    return new Generic(List.class, element);
  }

  /** {@code Map<String, value>} as a body type. */
  public static Type mapOf(Type value) {
    return new Generic(Map.class, String.class, value);
  }

  /** {@code Page<entity>} as a body type. */
  public static Type pageOf(Type entity) {
    return new Generic(Page.class, entity);
  }

  /** {@code raw<args>} as a body type, for a generic record of the feature's own. */
  public static Type generic(Class<?> raw, Type... args) {
    return new Generic(raw, args);
  }

  /** A parameterized type built by hand (the JDK has no public factory). */
  private record Generic(Class<?> raw, Type... args) implements ParameterizedType {
    @Override
    public Type[] getActualTypeArguments() {
      return args.clone();
    }

    @Override
    public Type getRawType() {
      return raw;
    }

    @Override
    public Type getOwnerType() {
      return null;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Generic g && g.raw == raw && Arrays.equals(g.args, args);
    }

    @Override
    public int hashCode() {
      return raw.hashCode() * 31 + Arrays.hashCode(args);
    }

    @Override
    public String toString() {
      return raw.getSimpleName() + Arrays.toString(args);
    }
  }
}
