package io.switchboard.server.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mypurecloud.sdk.v2.ApiClient;
import com.mypurecloud.sdk.v2.ApiException;
import com.mypurecloud.sdk.v2.api.ArchitectApi;
import com.mypurecloud.sdk.v2.api.AuthorizationApi;
import com.mypurecloud.sdk.v2.api.ConversationsApi;
import com.mypurecloud.sdk.v2.api.NotificationsApi;
import com.mypurecloud.sdk.v2.api.OAuthApi;
import com.mypurecloud.sdk.v2.api.OrganizationApi;
import com.mypurecloud.sdk.v2.api.RoutingApi;
import com.mypurecloud.sdk.v2.api.ScriptsApi;
import com.mypurecloud.sdk.v2.api.TokensApi;
import com.mypurecloud.sdk.v2.api.UsersApi;
import com.mypurecloud.sdk.v2.api.request.GetUsersRequest;
import com.mypurecloud.sdk.v2.model.AvailableTopic;
import com.mypurecloud.sdk.v2.model.Channel;
import com.mypurecloud.sdk.v2.model.ChannelTopic;
import com.mypurecloud.sdk.v2.model.CreateQueueRequest;
import com.mypurecloud.sdk.v2.model.CreateUser;
import com.mypurecloud.sdk.v2.model.DomainEntityRef;
import com.mypurecloud.sdk.v2.model.DomainOrganizationRole;
import com.mypurecloud.sdk.v2.model.DomainOrganizationRoleCreate;
import com.mypurecloud.sdk.v2.model.DomainOrganizationRoleUpdate;
import com.mypurecloud.sdk.v2.model.Flow;
import com.mypurecloud.sdk.v2.model.IVR;
import com.mypurecloud.sdk.v2.model.Limit;
import com.mypurecloud.sdk.v2.model.MediaParticipantRequest;
import com.mypurecloud.sdk.v2.model.OAuthClient;
import com.mypurecloud.sdk.v2.model.OAuthClientRequest;
import com.mypurecloud.sdk.v2.model.PublishScriptRequestData;
import com.mypurecloud.sdk.v2.model.Queue;
import com.mypurecloud.sdk.v2.model.QueueRequest;
import com.mypurecloud.sdk.v2.model.Script;
import com.mypurecloud.sdk.v2.model.User;
import com.mypurecloud.sdk.v2.model.WrapupCode;
import com.mypurecloud.sdk.v2.model.WrapupCodeRequest;
import com.mypurecloud.sdk.v2.model.WrapupInput;
import com.mypurecloud.sdk.v2.model.WritableEntity;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TwoOrgServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rest of the supported Genesys endpoints through the official Java SDK's typed classes:
 * updates, deletes and listings the other compat tests do not drive (see {@link
 * GenesysSdkCoverageIT}).
 */
class GenesysSdkCrudIT extends TwoOrgServer {
  static ApiClient sdk;

  @BeforeAll
  static void start() {
    sdk =
        ApiClient.Builder.standard().withBasePath(server.baseUrl()).withAccessToken(token).build();
  }

  static void assertNotFound(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.getStatusCode()).isEqualTo(404));
  }

  @Test
  void queuesReadUpdateAndDeleteAndMembersLeave() throws Exception {
    var routing = new RoutingApi(sdk);
    Queue q =
        routing.postRoutingQueues(new CreateQueueRequest().name("Crud queue " + UUID.randomUUID()));
    Queue read = routing.getRoutingQueue(q.getId());
    assertThat(read.getName()).isEqualTo(q.getName());
    // The org's real Home division, as the SDK's AuthorizationApi names it (was the alias "home").
    String home = new AuthorizationApi(sdk).getAuthorizationDivisionsHome().getId();
    assertThat(read.getDivision().getId()).isEqualTo(home);
    assertThat(read.getDivision().getSelfUri())
        .isEqualTo("/api/v2/authorization/divisions/" + home);
    assertThat(read.getDateCreated()).isNotNull();
    assertThat(read.getSelfUri()).isEqualTo("/api/v2/routing/queues/" + q.getId());

    Queue renamed =
        routing.putRoutingQueue(
            q.getId(), new QueueRequest().name("Renamed " + q.getName()).description("new"));
    assertThat(renamed.getName()).isEqualTo("Renamed " + q.getName());
    assertThat(renamed.getDescription()).isEqualTo("new");
    assertThat(renamed.getDivision().getName()).isEqualTo("Home");
    assertThat(renamed.getDateModified()).isNotNull();

    String agent = fx.user("Crud agent");
    routing.postRoutingQueueMembers(q.getId(), List.of(new WritableEntity().id(agent)), false);
    // A member's user carries its state and division (the SDK read them as null).
    var member =
        routing
            .getRoutingQueueMembers(
                q.getId(), 1, 25, null, null, null, null, null, null, null, null, null, null)
            .getEntities()
            .getFirst();
    assertThat(member.getUser().getState()).isEqualTo(User.StateEnum.ACTIVE);
    assertThat(member.getUser().getDivision().getId()).isEqualTo(home);
    assertThat(member.getUser().getSelfUri()).isEqualTo("/api/v2/users/" + agent);
    routing.deleteRoutingQueueMember(q.getId(), agent);
    assertThat(
            routing
                .getRoutingQueueMembers(
                    q.getId(), 1, 25, null, null, null, null, null, null, null, null, null, null)
                .getEntities())
        .isEmpty();

    routing.deleteRoutingQueue(q.getId(), false);
    assertNotFound(() -> routing.getRoutingQueue(q.getId()));
  }

  @Test
  void wrapupCodesAreListedCreatedUpdatedAndDeleted() throws Exception {
    var routing = new RoutingApi(sdk);
    String name = "Crud code " + UUID.randomUUID();
    WrapupCode created = routing.postRoutingWrapupcodes(new WrapupCodeRequest().name(name));
    assertThat(created.getId()).isNotBlank();
    assertThat(created.getName()).isEqualTo(name);
    assertThat(created.getDivision().getName()).isEqualTo("Home");
    assertThat(created.getDateCreated()).isNotNull();
    assertThat(created.getSelfUri()).isEqualTo("/api/v2/routing/wrapupcodes/" + created.getId());

    var listing = routing.getRoutingWrapupcodes(100, 1, null, null, null, null, null);
    assertThat(listing.getEntities()).extracting(WrapupCode::getId).contains(created.getId());
    assertThat(listing.getTotal()).isPositive();

    WrapupCode renamed =
        routing.putRoutingWrapupcode(created.getId(), new WrapupCodeRequest().name(name + " 2"));
    assertThat(renamed.getName()).isEqualTo(name + " 2");
    assertThat(renamed.getDateModified()).isNotNull();

    routing.deleteRoutingWrapupcode(created.getId());
    assertNotFound(() -> routing.getRoutingWrapupcode(created.getId()));
  }

  @Test
  void ivrsAreListedUpdatedAndDeleted() throws Exception {
    var architect = new ArchitectApi(sdk);
    Flow flow =
        architect.postFlows(
            new Flow().name("Crud IVR flow " + UUID.randomUUID()).type(Flow.TypeEnum.INBOUNDCALL),
            null);
    String dnis = "+656" + (1000000 + (int) (Math.random() * 8999999));
    IVR ivr =
        architect.postArchitectIvrs(
            new IVR()
                .name("Crud IVR")
                .dnis(List.of(dnis))
                .openHoursFlow(new DomainEntityRef().id(flow.getId())));
    var listed = architect.getArchitectIvrs(1, 25, null, null, null, null, null);
    assertThat(listed.getEntities()).extracting(IVR::getId).contains(ivr.getId());
    assertThat(listed.getTotal()).isPositive();

    IVR updated =
        architect.putArchitectIvr(
            ivr.getId(),
            new IVR()
                .name("Crud IVR renamed")
                .dnis(List.of(dnis))
                .openHoursFlow(new DomainEntityRef().id(flow.getId())));
    assertThat(updated.getName()).isEqualTo("Crud IVR renamed");
    assertThat(updated.getDnis()).containsExactly(dnis);
    assertThat(updated.getOpenHoursFlow().getId()).isEqualTo(flow.getId());
    assertThat(updated.getDivision().getId())
        .isEqualTo(new AuthorizationApi(sdk).getAuthorizationDivisionsHome().getId());

    architect.deleteArchitectIvr(ivr.getId());
    assertNotFound(() -> architect.getArchitectIvr(ivr.getId()));
  }

  @Test
  void flowsAreUpdatedDeletedAndAPublishedVersionsConfigurationRead() throws Exception {
    var architect = new ArchitectApi(sdk);
    Flow created =
        architect.postFlows(
            new Flow().name("Crud flow " + UUID.randomUUID()).type(Flow.TypeEnum.WORKFLOW), null);
    Flow updated =
        architect.putFlow(
            created.getId(),
            new Flow()
                .name(created.getName() + " 2")
                .description("updated")
                .type(Flow.TypeEnum.WORKFLOW));
    assertThat(updated.getName()).isEqualTo(created.getName() + " 2");
    assertThat(updated.getDescription()).isEqualTo("updated");
    assertThat(updated.getDivision().getName()).isEqualTo("Home");

    String yaml =
        """
        workflow:
          name: Crud
          startUpRef: "/workflow/tasks/task[t]"
          tasks:
            - task:
                name: T
                refId: t
                actions:
                  - endWorkflow:
                      name: End
        """;
    var saved =
        api.raw(
            "PUT",
            "/api/v2/flows/" + created.getId() + "/latestconfiguration",
            token,
            yaml.getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "application/x-yaml");
    assertThat(saved.status()).as(saved.toString()).isEqualTo(200);
    architect.postFlowsActionsPublish(created.getId(), null);
    String version = architect.getFlow(created.getId(), null).getPublishedVersion().getId();
    assertThat(version).isNotBlank();
    Object config = architect.getFlowVersionConfiguration(created.getId(), version, null);
    assertThat(config).isInstanceOf(Map.class);
    assertThat((Map<?, ?>) config).isNotEmpty();

    architect.deleteFlow(created.getId());
    assertNotFound(() -> architect.getFlow(created.getId(), null));
  }

  @Test
  void aScriptIsPublishedThroughTheSdk() throws Exception {
    String id = fx.script(Fixtures.GREETING_SCRIPT);
    var scripts = new ScriptsApi(sdk);
    Script published =
        scripts.postScriptsPublished(null, new PublishScriptRequestData().scriptId(id));
    assertThat(published.getId()).isEqualTo(id);
    assertThat(published.getName()).isEqualTo("Greeting");
    assertThat(published.getVersionId()).isNotBlank();
    assertThat(published.getPublishedDate()).isNotNull();
    assertThat(scripts.getScriptsPublishedScriptId(id, null).getName()).isEqualTo("Greeting");
  }

  @Test
  void aRoleIsUpdated() throws Exception {
    var authz = new AuthorizationApi(sdk);
    DomainOrganizationRole role =
        authz.postAuthorizationRoles(
            new DomainOrganizationRoleCreate()
                .name("Crud role " + UUID.randomUUID())
                .permissions(new ArrayList<>(List.of("directory:user:view"))));
    DomainOrganizationRole updated =
        authz.putAuthorizationRole(
            role.getId(),
            new DomainOrganizationRoleUpdate()
                .name(role.getName() + " 2")
                .description("wider")
                .permissions(
                    new ArrayList<>(List.of("directory:user:view", "scripter:script:view"))));
    assertThat(updated.getId()).isEqualTo(role.getId());
    assertThat(updated.getName()).isEqualTo(role.getName() + " 2");
    assertThat(updated.getPermissions())
        .containsExactlyInAnyOrder("directory:user:view", "scripter:script:view");
    assertThat(updated.getSelfUri()).endsWith(role.getId());
  }

  @Test
  void usersAreListedAndDeleted() throws Exception {
    var users = new UsersApi(sdk);
    User user =
        users.postUsers(
            new CreateUser().name("Crud user").email("crud." + UUID.randomUUID() + "@example.com"));
    var listing = users.getUsers(100, 1, null, null, null, null, null, null);
    assertThat(listing.getEntities()).extracting(User::getId).contains(user.getId());
    User listed =
        listing.getEntities().stream()
            .filter(u -> u.getId().equals(user.getId()))
            .findFirst()
            .get();
    assertThat(listed.getName()).isEqualTo("Crud user");
    assertThat(listed.getDivision().getName()).isEqualTo("Home");
    assertThat(listed.getSelfUri()).isEqualTo("/api/v2/users/" + user.getId());

    // The SDK sends ids repeated (id=a&id=b); an unknown one and another org's are left out.
    User second =
        users.postUsers(
            new CreateUser()
                .name("Crud user 2")
                .email("crud." + UUID.randomUUID() + "@example.com"));
    String foreign = new Fixtures(api, otherToken).user("Crud user");
    var byId =
        users.getUsers(
            25,
            1,
            List.of(second.getId(), foreign, UUID.randomUUID().toString(), user.getId()),
            null,
            null,
            null,
            null,
            null);
    assertThat(byId.getEntities())
        .extracting(User::getId)
        .containsExactly(user.getId(), second.getId());
    assertThat(byId.getTotal()).isEqualTo(2);
    var justOne = users.getUsers(GetUsersRequest.builder().withId(List.of(second.getId())).build());
    assertThat(justOne.getEntities()).extracting(User::getId).containsExactly(second.getId());
    var tooMany = new ArrayList<String>();
    while (tooMany.size() <= 100) tooMany.add(UUID.randomUUID().toString());
    assertThatThrownBy(() -> users.getUsers(25, 1, tooMany, null, null, null, null, null))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.getStatusCode()).isEqualTo(400));
    users.deleteUser(user.getId());
    // Genesys keeps a deleted user readable, in state "deleted", and out of the listing.
    assertThat(users.getUser(user.getId(), null, null, null).getState())
        .isEqualTo(User.StateEnum.DELETED);
    assertThat(users.getUsers(100, 1, null, null, null, null, null, null).getEntities())
        .extracting(User::getId)
        .doesNotContain(user.getId());
    // ... unless the listing asks for deleted users, or any.
    for (var state : List.of(GetUsersRequest.stateValues.DELETED, GetUsersRequest.stateValues.ANY))
      assertThat(
              users
                  .getUsers(
                      GetUsersRequest.builder()
                          .withId(List.of(user.getId()))
                          .withState(state)
                          .build())
                  .getEntities())
          .as(state.toString())
          .extracting(User::getState)
          .containsExactly(User.StateEnum.DELETED);
  }

  @Test
  void oauthClientsGetANewSecretAndAreDeleted() throws Exception {
    var oauth = new OAuthApi(sdk);
    OAuthClient client =
        oauth.postOauthClients(
            new OAuthClientRequest()
                .name("Crud client")
                .authorizedGrantType(OAuthClientRequest.AuthorizedGrantTypeEnum.CLIENT_CREDENTIALS)
                .scope(List.of("scripts:readonly")));
    OAuthClient rotated = oauth.postOauthClientSecret(client.getId());
    assertThat(rotated.getId()).isEqualTo(client.getId());
    assertThat(rotated.getSecret()).isNotBlank().isNotEqualTo(client.getSecret());
    assertThat(api.token(client.getId(), rotated.getSecret())).isNotBlank();
    oauth.deleteOauthClient(client.getId());
    assertNotFound(() -> oauth.getOauthClient(client.getId()));
  }

  @Test
  void aTokenIsRevoked() throws Exception {
    String own = api.token(server.newOrg());
    var ownSdk =
        ApiClient.Builder.standard().withBasePath(server.baseUrl()).withAccessToken(own).build();
    assertThat(new TokensApi(ownSdk).getTokensMe((Boolean) null).getOrganization().getId())
        .isNotBlank();
    new TokensApi(ownSdk).deleteTokensMe();
    assertThatThrownBy(() -> new TokensApi(ownSdk).getTokensMe((Boolean) null))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.getStatusCode()).isEqualTo(401));
  }

  @Test
  void limitsAreReadByNamespace() throws Exception {
    var org = new OrganizationApi(sdk);
    Object namespaces = org.getOrganizationsLimitsNamespaces(100, 1);
    assertThat(namespaces).isInstanceOf(Map.class);
    assertThat(String.valueOf(namespaces)).contains("platform.api");
    List<Limit> limits = org.getOrganizationsLimitsNamespace("platform.api").getEntities();
    assertThat(limits).isNotEmpty();
    assertThat(limits).allSatisfy(l -> assertThat(l.getKey()).isNotBlank());
    assertThat(limits).allSatisfy(l -> assertThat(l.getValue()).isNotNull());
    List<Limit> defaults =
        org.getOrganizationsLimitsNamespaceDefaults("platform.api").getEntities();
    assertThat(defaults)
        .extracting(Limit::getKey)
        .containsAll(limits.stream().map(Limit::getKey).toList());
  }

  @Test
  void notificationChannelsAndSubscriptions() throws Exception {
    var notifications = new NotificationsApi(sdk);
    List<AvailableTopic> topics =
        notifications.getNotificationsAvailabletopics(null, null).getEntities();
    assertThat(topics)
        .extracting(AvailableTopic::getId)
        .isNotEmpty()
        .allSatisfy(t -> assertThat(t).isNotBlank());

    Channel channel = notifications.postNotificationsChannels();
    assertThat(channel.getId()).isNotBlank();
    assertThat(channel.getConnectUri()).startsWith("ws");
    assertThat(channel.getExpires()).isNotNull();
    notifications.headNotificationsChannel(channel.getId());
    assertThat(notifications.getNotificationsChannels((String) null).getEntities())
        .extracting(Channel::getId)
        .contains(channel.getId());
    assertThat(notifications.getNotificationsChannels("oauthclient").getEntities())
        .extracting(Channel::getId)
        .contains(channel.getId());

    String agent = fx.user("Crud notified");
    String a = "v2.users." + agent + ".conversations";
    String b = "v2.users." + agent + ".routingStatus";
    assertThat(
            notifications
                .putNotificationsChannelSubscriptions(
                    channel.getId(), List.of(new ChannelTopic().id(a)), null)
                .getEntities())
        .extracting(ChannelTopic::getId)
        .containsExactly(a);
    assertThat(
            notifications
                .postNotificationsChannelSubscriptions(
                    channel.getId(), List.of(new ChannelTopic().id(b)), null)
                .getEntities())
        .extracting(ChannelTopic::getId)
        .contains(b);
    assertThat(notifications.getNotificationsChannelSubscriptions(channel.getId()).getEntities())
        .extracting(ChannelTopic::getId)
        .containsExactlyInAnyOrder(a, b);
    notifications.deleteNotificationsChannelSubscriptions(channel.getId());
    assertThat(notifications.getNotificationsChannelSubscriptions(channel.getId()).getEntities())
        .isEmpty();
    assertNotFound(() -> notifications.headNotificationsChannel("no-such-channel"));
  }

  @Test
  void aParticipantIsWrappedUpThroughTheGenericConversationsPatch() throws Exception {
    String agent = fx.user("Crud patch agent");
    String code = fx.wrapupCode("Crud patched " + UUID.randomUUID());
    var call = fx.call(agent);
    String conversationId = call.get("id").asString();
    String participantId = Fixtures.agentOf(call).get("id").asString();
    var conversations = new ConversationsApi(sdk);
    conversations.patchConversationParticipant(
        conversationId,
        participantId,
        new MediaParticipantRequest().state(MediaParticipantRequest.StateEnum.DISCONNECTED));
    conversations.patchConversationParticipant(
        conversationId,
        participantId,
        new MediaParticipantRequest().wrapup(new WrapupInput().code(code).notes("generic")));
    var wrapup =
        conversations.getConversationParticipantWrapup(conversationId, participantId, null);
    assertThat(wrapup.getCode()).isEqualTo(code);
    assertThat(wrapup.getNotes()).isEqualTo("generic");
  }
}
