package io.switchboard.server.integrations;

import io.switchboard.server.credentials.ResolvedCredential;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.externalapis.ExecutionReport;
import io.switchboard.server.externalapis.ExternalApi;
import io.switchboard.server.externalapis.ExternalApiEngine;
import io.switchboard.server.externalapis.Redaction;
import io.switchboard.server.externalapis.ResponseMapper;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs a data action on the external-API engine ({@link ExternalApiEngine#execute(
 * ExternalApiEngine.Call, Duration)}): the input is validated against the input schema, the request
 * is rendered with Velocity ({@link Templates}), the engine sends it (budget, retries, breaker,
 * egress, credential, content-type check), and the answer goes through the translation map ({@link
 * Translation}), the success template and the success schema. Every stage is recorded as an
 * operation for {@code .../test}.
 */
public final class DataActionRunner {
  /** How long rendering the request may take (it runs before the engine's budget starts). */
  static final long REQUEST_RENDER_MILLIS = 1000;

  /**
   * A Velocity reference to {@code credentials} ({@code $credentials.x}, {@code ${credentials.x}},
   * {@code $!credentials.x}): the request templates place the credential themselves.
   */
  private static final Pattern CREDENTIALS_REFERENCE = Pattern.compile("\\$!?\\{?credentials\\b");

  private final ExternalApiEngine engine;
  private final ExternalApiEngine.CredentialLookup credentials;
  private final Templates templates;
  private final Translation translation;
  private final JsonSchemas schemas;
  private final JsonMapper json;

  public DataActionRunner(
      ExternalApiEngine engine,
      ExternalApiEngine.CredentialLookup credentials,
      Templates templates,
      Translation translation,
      JsonSchemas schemas,
      JsonMapper json) {
    this.engine = engine;
    this.credentials = credentials;
    this.templates = templates;
    this.translation = translation;
    this.schemas = schemas;
    this.json = json;
  }

  /** One stage of a run, as Genesys's {@code TestExecutionOperationResult}. */
  public record Operation(int step, String name, boolean success, JsonNode result, String error) {}

  /**
   * What a run did: the engine's report (absent when it stopped before sending), the resolved
   * output on success, the operations, and why it failed.
   */
  public record Run(
      ExecutionReport report,
      JsonNode output,
      List<Operation> operations,
      String failureCode,
      String failure,
      List<String> inputErrors) {
    Run(
        ExecutionReport report,
        JsonNode output,
        List<Operation> operations,
        String failureCode,
        String failure) {
      this(report, output, operations, failureCode, failure, List.of());
    }

    public boolean success() {
      return failure == null;
    }
  }

  /** The input is invalid against the contract's input schema. */
  public static Problem invalidInput(List<String> errors) {
    return new Problem(
        Problem.Kind.INVALID,
        "invalid.input",
        "The input does not match the action's input schema: " + String.join("; ", errors),
        Map.of("errors", errors));
  }

  /**
   * Runs {@code action} once with {@code inputs} within {@code budget} (null: the action's own
   * timeout). Never throws for what the partner API or the templates did: that is a failed run.
   * Throws {@code Problem} only when the call cannot be made as configured (a missing credential).
   */
  public Run run(DataAction action, Integration integration, JsonNode inputs, Duration budget) {
    var ops = new ArrayList<Operation>();
    ObjectNode input =
        inputs != null && inputs.isObject() ? (ObjectNode) inputs : json.createObjectNode();

    List<String> inputErrors = schemas.errors(action.inputSchema(), input);
    if (!inputErrors.isEmpty()) {
      ops.add(
          op(ops, "Validate input against schema", false, null, String.join("; ", inputErrors)));
      return new Run(null, null, ops, "invalid.input", String.join("; ", inputErrors), inputErrors);
    }
    ops.add(op(ops, "Validate input against schema", true, null, null));

    if (!integration.enabled()) {
      String why = "the integration " + integration.name() + " is not ENABLED";
      ops.add(op(ops, "Check integration", false, null, why));
      return new Run(null, null, ops, "integration.disabled", why);
    }

    long renderDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REQUEST_RENDER_MILLIS);
    var vars = new LinkedHashMap<String, Object>();
    @SuppressWarnings("unchecked")
    Map<String, Object> inputMap = (Map<String, Object>) templates.toVelocity(input);
    inputMap.putIfAbsent("rawRequest", json.writeValueAsString(input));
    vars.put("input", inputMap);
    DataAction.Request rq = action.config().request();
    // Genesys's $credentials: the integration credential's fields, for the request templates only
    // (never the success template, whose output a caller reads). Then the templates place the
    // credential and the engine adds no header of its own; it still sends the request only to the
    // credential's allowed hosts, and the secrets are redacted from what a test run shows.
    ResolvedCredential credential = placesCredential(rq) ? credential(integration) : null;
    Redaction redaction = Redaction.of(credential, null);
    // What a test run shows of such a request: the templates rendered again with every field of the
    // credential as REDACTED. Finding the secret in the text would miss a cut or escaped one.
    Map<String, Object> shownVars = null;
    if (credential != null) {
      Map<String, String> fields = credential.templateFields();
      shownVars = new LinkedHashMap<>(vars);
      var masked = new LinkedHashMap<String, String>();
      fields.keySet().forEach(k -> masked.put(k, MASKED));
      shownVars.put("credentials", masked);
      vars.put("credentials", fields);
    }
    URI uri;
    List<ExternalApi.Header> headers = new ArrayList<>();
    byte[] body = null;
    try {
      String url =
          templates
              .render("requestUrlTemplate", rq.requestUrlTemplate(), vars, renderDeadline)
              .trim();
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        throw new Templates.TemplateFailure(
            "requestUrlTemplate: the resolved URL is not valid ("
                + e.getReason()
                + "); escape inputs with $esc.url");
      }
      String scheme =
          uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null)
        throw new Templates.TemplateFailure(
            "requestUrlTemplate: the resolved URL must be an absolute http or https URL");
      ops.add(
          op(
              ops,
              "Resolve request URL template",
              true,
              json.getNodeFactory()
                  .stringNode(
                      shown("requestUrlTemplate", rq.requestUrlTemplate(), url, shownVars).trim()),
              null));
      if (rq.headers() != null) {
        for (var h : rq.headers().entrySet()) {
          String v = templates.render("headers." + h.getKey(), h.getValue(), vars, renderDeadline);
          for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f || c > 0x7e)
              throw new Templates.TemplateFailure(
                  "headers."
                      + h.getKey()
                      + ": the resolved value has a control or non-ASCII character");
          }
          headers.add(new ExternalApi.Header(h.getKey(), v));
        }
      }
      if (DataActionService.hasBody(rq.requestType()) && rq.requestTemplate() != null) {
        String text =
            templates.render("requestTemplate", rq.requestTemplate(), vars, renderDeadline);
        body = text.getBytes(StandardCharsets.UTF_8);
        ops.add(
            op(
                ops,
                "Resolve request body template",
                true,
                json.getNodeFactory()
                    .stringNode(shown("requestTemplate", rq.requestTemplate(), text, shownVars)),
                null));
      }
    } catch (Templates.TemplateFailure e) {
      String why = redaction.text(e.getMessage());
      ops.add(op(ops, "Resolve request", false, null, why));
      return new Run(null, null, ops, "template.failed", why);
    }

    // What the reader got to; its values come back through the engine's report (below), where the
    // credential's secrets are redacted, never from here.
    var reached =
        new Object() {
          volatile boolean raw;
          volatile boolean translated;
          volatile boolean rendered;
        };
    DataAction.Response rs = action.config().response();
    ExternalApiEngine.ResponseReader reader =
        (status, responseHeaders, raw, deadline) -> {
          reached.raw = true;
          Map<String, String> values;
          try {
            values =
                translation.apply(
                    rs == null ? null : rs.translationMap(),
                    rs == null ? null : rs.translationMapDefaults(),
                    raw);
          } catch (Translation.Failure f) {
            throw new ResponseMapper.MappingFailure(f.getMessage());
          }
          reached.translated = true;
          var successVars = new LinkedHashMap<String, Object>(values);
          successVars.put("rawResult", json.writeValueAsString(raw));
          successVars.put("input", inputMap);
          String template =
              rs == null || rs.successTemplate() == null ? "${rawResult}" : rs.successTemplate();
          String rendered;
          try {
            rendered = templates.render("successTemplate", template, successVars, deadline);
          } catch (Templates.TemplateFailure f) {
            throw new ResponseMapper.MappingFailure(f.getMessage());
          }
          JsonNode out;
          try {
            out = json.readTree(rendered);
          } catch (JacksonException e) {
            throw new ResponseMapper.MappingFailure(
                "successTemplate: the resolved text is not JSON ("
                    + e.getOriginalMessage()
                    + "); escape strings with $esc.jsonString");
          }
          reached.rendered = true;
          List<String> outErrors = schemas.errors(action.successSchema(), out);
          if (!outErrors.isEmpty())
            throw new ResponseMapper.MappingFailure(
                "the resolved output does not match the success schema: "
                    + String.join("; ", outErrors));
          ObjectNode both = json.createObjectNode();
          both.set("output", out);
          both.set("translated", json.valueToTree(values));
          return both;
        };
    var call =
        new ExternalApiEngine.Call(
            action.id(),
            action.orgId(),
            integration.credentialId(),
            action.config().timeoutMillis(),
            integration.retry(),
            "data action",
            new ExternalApiEngine.Request(uri, rq.requestType(), headers, body),
            reader,
            credential == null);
    ExecutionReport engineReport = engine.execute(call, budget);
    JsonNode both = engineReport.outputs();
    JsonNode output = both == null ? null : both.get("output");
    ExecutionReport report =
        new ExecutionReport(
            engineReport.success(),
            engineReport.status(),
            engineReport.latencyMs(),
            engineReport.attempts(),
            output,
            engineReport.error(),
            engineReport.circuit());
    String detail = report.error() == null ? null : report.error().detail();
    ObjectNode exec = json.createObjectNode();
    exec.put("attempts", report.attempts());
    if (report.status() != null) exec.put("status", report.status());
    exec.put("latencyMs", report.latencyMs());
    exec.put("circuit", report.circuit());
    boolean answered = report.success() || reached.raw;
    ops.add(op(ops, "Execute request", answered, exec, answered ? null : detail));
    if (reached.raw) {
      ops.add(
          op(
              ops,
              "Resolve translation map",
              reached.translated,
              report.success() ? both.get("translated") : null,
              reached.translated ? null : detail));
      if (reached.translated)
        ops.add(
            op(
                ops,
                "Resolve success template",
                reached.rendered,
                output,
                reached.rendered ? null : detail));
      if (reached.rendered)
        ops.add(
            op(
                ops,
                "Validate output against schema",
                report.success(),
                null,
                report.success() ? null : detail));
    }
    if (report.success()) return new Run(report, output, ops, null, null);
    return new Run(report, null, ops, "data.action." + report.error().kind(), detail);
  }

  /** A credential's value as a test run shows the request it is in. */
  static final String MASKED = "REDACTED";

  /**
   * {@code rendered}, or without a credential in it: {@code template} rendered with the masked
   * values ({@code shownVars} non-null). Nothing of it when that fails.
   */
  private String shown(
      String name, String template, String rendered, Map<String, Object> shownVars) {
    if (shownVars == null) return rendered;
    try {
      return templates.render(
          name,
          template,
          shownVars,
          System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REQUEST_RENDER_MILLIS));
    } catch (Templates.TemplateFailure e) {
      return "(not shown: it holds the credential)";
    }
  }

  /** One reference to a credential field: {@code $credentials.x}, {@code ${credentials.x}}. */
  private static final String CREDENTIAL_FIELD = "\\$!?\\{?credentials\\.[A-Za-z0-9_]+}?";

  /**
   * A credential header's whole template: an authentication scheme named here (a free word could be
   * a secret of its own), then credential fields with only spaces or colons between them; or a
   * cookie's {@code name=field} pairs.
   */
  private static final Pattern CREDENTIAL_HEADER =
      Pattern.compile(
          "\\s*((?i:bearer|basic|token|digest|apikey|api-key|key|oauth|ssws|jwt)\\s+)?"
              + CREDENTIAL_FIELD
              + "([\\s:]*"
              + CREDENTIAL_FIELD
              + ")*\\s*"
              + "|\\s*[A-Za-z0-9_.-]{1,64}="
              + CREDENTIAL_FIELD
              + "(\\s*;\\s*[A-Za-z0-9_.-]{1,64}="
              + CREDENTIAL_FIELD
              + ")*\\s*;?\\s*");

  /** Longer credential header templates are refused before matching (the match recurses). */
  private static final int MAX_CREDENTIAL_HEADER = 512;

  /**
   * True when a header's template is the credential's fields after at most a known scheme ({@code
   * Bearer ${credentials.token}}, {@code Token $credentials.user:$credentials.key}) or a cookie's
   * {@code sid=$credentials.sid}: no secret of its own can be written into the configuration, which
   * is readable and exported.
   */
  static boolean onlyPlacesCredentials(String template) {
    return template != null
        && template.length() <= MAX_CREDENTIAL_HEADER
        && CREDENTIAL_HEADER.matcher(template).matches();
  }

  /** True when the template text refers to {@code $credentials}. */
  static boolean referencesCredentials(String template) {
    return template != null && CREDENTIALS_REFERENCE.matcher(template).find();
  }

  private static boolean placesCredential(DataAction.Request rq) {
    return referencesCredentials(rq.requestUrlTemplate())
        || referencesCredentials(rq.requestTemplate())
        || (rq.headers() != null
            && rq.headers().values().stream().anyMatch(DataActionRunner::referencesCredentials));
  }

  /**
   * The integration's credential, opened; null without one, or when it is gone (the engine then
   * answers {@code credential.missing}).
   */
  private ResolvedCredential credential(Integration integration) {
    if (integration.credentialId() == null) return null;
    try {
      return credentials.resolve(integration.orgId(), integration.credentialId());
    } catch (Problem p) {
      if (p.kind() == Problem.Kind.NOT_FOUND) return null;
      throw p;
    }
  }

  private static Operation op(
      List<Operation> ops, String name, boolean success, JsonNode result, String error) {
    return new Operation(ops.size() + 1, name, success, result, error);
  }
}
