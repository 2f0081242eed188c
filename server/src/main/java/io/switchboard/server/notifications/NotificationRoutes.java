package io.switchboard.server.notifications;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsHandlerType;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.Doc;
import io.switchboard.server.http.RequestBodies;
import io.switchboard.server.http.Requests;
import io.switchboard.server.http.Scope;
import io.switchboard.server.identity.Principal;
import io.switchboard.server.identity.Scopes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v2/notifications}: channels, their subscriptions, the available topics; and the
 * WebSocket at {@code /channels/{id}} that a channel's {@code connectUri} names. The channel id in
 * the URI is the socket's credential, as at Genesys: it is random and known only to its owner.
 */
public final class NotificationRoutes implements ApiRoutes {
  static final String BASE = "/api/v2/notifications";
  public static final String SOCKET_PATH = "/channels/";

  /** A socket write that takes longer than this fails the socket (the reader is gone). */
  private static final long WRITE_TIMEOUT_SECONDS = 30;

  public record ChannelView(String id, String connectUri, Instant expires) {}

  public record ChannelListing(List<ChannelView> entities) {}

  public record TopicView(String id, String state, String rejectionReason, String selfUri) {}

  public record TopicListing(List<TopicView> entities) {}

  /** An item of a subscription body: read by hand (a bad item is named by its index). */
  public record TopicId(String id) {}

  public record AvailableTopicView(
      String id,
      String description,
      List<String> requiresPermissions,
      Map<String, Object> schema,
      List<String> transports,
      List<String> topicParameters) {}

  public record AvailableTopicListing(List<AvailableTopicView> entities) {}

  private final NotificationService service;
  private final RequestBodies bodies;
  private final String publicUrl;

  /** {@code publicUrl}: {@code http.public-url}, or null to answer with the caller's host. */
  public NotificationRoutes(NotificationService service, RequestBodies bodies, String publicUrl) {
    this.service = service;
    this.bodies = bodies;
    this.publicUrl = publicUrl;
  }

  @Override
  public void register(RoutesConfig routes) {
    Scope read = Scope.read(Scopes.NOTIFICATIONS);
    Scope write = Scope.write(Scopes.NOTIFICATIONS);
    routes.post(BASE + "/channels", this::create, write, Doc.returns(ChannelView.class));
    routes.get(
        BASE + "/channels",
        this::list,
        read,
        Doc.returns(ChannelListing.class)
            .error(400, "invalid.value")
            .query(
                "includechannels",
                "token (default): the channels this access token made; oauthclient: every one of"
                    + " the OAuth client's (or, for a signed-in user's token, the user's)"));
    routes.head(BASE + "/channels/{id}", this::head, read, Doc.noContent().status(200));
    routes.get(
        BASE + "/channels/{id}/subscriptions",
        this::subscriptions,
        read,
        Doc.returns(TopicListing.class));
    routes.put(
        BASE + "/channels/{id}/subscriptions",
        ctx -> subscribe(ctx, true),
        write,
        Doc.of(Doc.listOf(TopicId.class), TopicListing.class)
            .error(
                400, "notifications.topic.limit", "notifications.topic.rejected", "invalid.value")
            .query("ignoreErrors", IGNORE_ERRORS));
    routes.post(
        BASE + "/channels/{id}/subscriptions",
        ctx -> subscribe(ctx, false),
        write,
        Doc.of(Doc.listOf(TopicId.class), TopicListing.class)
            .error(
                400, "notifications.topic.limit", "notifications.topic.rejected", "invalid.value")
            .query("ignoreErrors", IGNORE_ERRORS));
    routes.delete(BASE + "/channels/{id}/subscriptions", this::unsubscribe, write, Doc.noContent());
    routes.get(
        BASE + "/availabletopics",
        this::availableTopics,
        read,
        Doc.returns(AvailableTopicListing.class));
    routes.addWsHandler(WsHandlerType.WEBSOCKET, SOCKET_PATH + "{id}", this::socket);
  }

  private void create(Context ctx) {
    Channel c = service.create(Requests.principal(ctx));
    ctx.json(view(ctx, c));
  }

  private void list(Context ctx) {
    boolean allTokens =
        Requests.oneOf(ctx, "includechannels", "token", "token", "oauthclient")
            .equals("oauthclient");
    ctx.json(
        new ChannelListing(
            service.list(Requests.principal(ctx), allTokens).stream()
                .map(c -> view(ctx, c))
                .toList()));
  }

  private void head(Context ctx) {
    service.owned(Requests.principal(ctx), ctx.pathParam("id"));
    ctx.status(200);
  }

  private void subscriptions(Context ctx) {
    String id = ctx.pathParam("id");
    ctx.json(listing(id, service.subscriptions(Requests.principal(ctx), id)));
  }

  /**
   * Genesys's {@code ignoreErrors}, as its own streaming client describes it: true answers each
   * topic's state and keeps the permitted ones; false, the default, fails the whole request when
   * one topic is refused.
   */
  static final String IGNORE_ERRORS =
      "true: each topic is answered Permitted or Rejected with its reason, the permitted ones"
          + " kept; false (default): one refused topic is 400 notifications.topic.rejected and"
          + " nothing changes";

  private void subscribe(Context ctx, boolean replace) {
    boolean ignoreErrors = Boolean.TRUE.equals(Requests.bool(ctx, "ignoreErrors"));
    Principal p = Requests.principal(ctx);
    String id = ctx.pathParam("id");
    service.owned(p, id);
    List<String> requested = topicIds(bodies.readTree(ctx, Set.of(RequestBodies.JSON)));
    ctx.json(listing(id, service.subscribe(p, id, requested, replace, ignoreErrors)));
  }

  private void unsubscribe(Context ctx) {
    service.unsubscribeAll(Requests.principal(ctx), ctx.pathParam("id"));
    ctx.status(204);
  }

  private void availableTopics(Context ctx) {
    var out = new ArrayList<AvailableTopicView>();
    for (Topics.Kind k : service.topics().kinds()) {
      out.add(
          new AvailableTopicView(
              k.template(),
              k.description(),
              List.of(k.scope()),
              k.schema(),
              List.of("Websocket"),
              List.of("id")));
    }
    ctx.json(new AvailableTopicListing(out));
  }

  /** {@code [{"id": "v2..."}, ...]}: a list of topic objects, at most the per-channel limit. */
  private List<String> topicIds(JsonNode body) {
    if (!body.isArray())
      throw Problem.invalid(
          "body", "must be a list of topics: [{\"id\": \"v2.users.{id}.conversations\"}]");
    int limit = service.config().maxTopics();
    if (body.size() > limit)
      throw new Problem(
          Problem.Kind.INVALID,
          "notifications.topic.limit",
          "A channel holds at most " + limit + " topics; the request names " + body.size(),
          Map.of("limit", limit, "requested", body.size()));
    var ids = new ArrayList<String>();
    for (int i = 0; i < body.size(); i++) {
      JsonNode item = body.get(i);
      if (!item.isObject() || !item.path("id").isString())
        throw Problem.invalid("[" + i + "].id", "is required: the topic name as text");
      ids.add(item.get("id").asString());
    }
    return ids;
  }

  private static TopicListing listing(
      String channelId, List<NotificationService.TopicState> states) {
    return new TopicListing(
        states.stream()
            .map(s ->
                new TopicView(
                    s.id(),
                    s.state(),
                    s.rejectionReason(),
                    BASE + "/channels/" + channelId + "/subscriptions"))
            .toList());
  }

  private ChannelView view(Context ctx, Channel c) {
    return new ChannelView(c.id(), socketBase(ctx) + SOCKET_PATH + c.id(), c.expiresAt());
  }

  /** ws:// or wss:// as the caller reached us (or as {@code http.public-url} says). */
  private String socketBase(Context ctx) {
    if (publicUrl != null) {
      String base =
          publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
      if (base.startsWith("https://")) return "wss://" + base.substring(8);
      if (base.startsWith("http://")) return "ws://" + base.substring(7);
      return base;
    }
    String scheme = "https".equalsIgnoreCase(ctx.scheme()) ? "wss" : "ws";
    return scheme + "://" + ctx.host();
  }

  // ---- the socket

  private static final String SOCKET_ATTRIBUTE = "switchboard.notificationSocket";

  private void socket(WsConfig ws) {
    ws.onConnect(ctx -> {
      Session session = ctx.session;
      Duration heartbeat = service.config().heartbeat();
      // The client answers nothing to a heartbeat, so the idle timeout must outlast several.
      session.setIdleTimeout(heartbeat.multipliedBy(3).plusSeconds(30));
      Outlet outlet =
          new Outlet() {
            @Override
            public void send(String text) throws Exception {
              var done = new Callback.Completable();
              session.sendText(text, done);
              done.get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }

            @Override
            public void close(int code, String reason) {
              session.close(code, reason, Callback.NOOP);
            }
          };
      SocketHub.Socket socket = service.connect(ctx.pathParam("id"), outlet);
      if (socket == null) {
        session.close(SocketHub.CLOSE_UNKNOWN_CHANNEL, "Unknown or expired channel", Callback.NOOP);
        return;
      }
      ctx.attribute(SOCKET_ATTRIBUTE, socket);
    });
    ws.onMessage(ctx -> {
      SocketHub.Socket socket = ctx.attribute(SOCKET_ATTRIBUTE);
      if (socket == null) return;
      String text = ctx.message();
      if (text.length() > 1024) return;
      try {
        JsonNode msg = bodies.mapper().readTree(text);
        if (msg != null && "ping".equals(msg.path("message").asString(null)))
          socket.offer(SocketHub.PONG);
      } catch (RuntimeException e) {
        // Genesys ignores anything but a ping.
      }
    });
    ws.onClose(ctx -> {
      SocketHub.Socket socket = ctx.attribute(SOCKET_ATTRIBUTE);
      if (socket != null) socket.close(1000, "closed by the client");
    });
    ws.onError(ctx -> {
      SocketHub.Socket socket = ctx.attribute(SOCKET_ATTRIBUTE);
      if (socket != null) socket.close(1011, "socket error");
    });
  }
}
