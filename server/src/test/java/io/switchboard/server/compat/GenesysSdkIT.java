package io.switchboard.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.mypurecloud.sdk.v2.ApiClient;
import com.mypurecloud.sdk.v2.ApiException;
import com.mypurecloud.sdk.v2.api.ConversationsApi;
import com.mypurecloud.sdk.v2.api.RoutingApi;
import com.mypurecloud.sdk.v2.api.ScriptsApi;
import com.mypurecloud.sdk.v2.model.AssignedWrapupCode;
import com.mypurecloud.sdk.v2.model.Call;
import com.mypurecloud.sdk.v2.model.Conversation;
import com.mypurecloud.sdk.v2.model.Page;
import com.mypurecloud.sdk.v2.model.Participant;
import com.mypurecloud.sdk.v2.model.Script;
import com.mypurecloud.sdk.v2.model.ScriptEntityListing;
import com.mypurecloud.sdk.v2.model.WrapupCode;
import com.mypurecloud.sdk.v2.model.WrapupInput;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TwoOrgServer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The official Genesys Cloud Java SDK (platform-client-v2), unchanged, pointed at a running
 * Switchboard: it reads scripts, published scripts, a conversation and a wrap-up, and records a
 * wrap-up.
 */
class GenesysSdkIT extends TwoOrgServer {
  static ApiClient sdk;

  @BeforeAll
  static void start() {
    sdk =
        ApiClient.Builder.standard().withBasePath(server.baseUrl()).withAccessToken(token).build();
  }

  @Test
  void theSdkReadsScriptsAndTheirPages() throws Exception {
    String id = fx.script(Fixtures.GREETING_SCRIPT);
    var scripts = new ScriptsApi(sdk);

    Script script = scripts.getScript(id);
    assertThat(script.getId()).isEqualTo(id);
    assertThat(script.getName()).isEqualTo("Greeting");
    assertThat(script.getVersionId()).isNotBlank();
    assertThat(script.getCreatedDate()).isNotNull();
    assertThat(script.getModifiedDate()).isEqualTo(script.getCreatedDate());
    assertThat(script.getStartPageId()).isEqualTo("start");
    assertThat(script.getStartPageName()).isEqualTo("Start");
    assertThat(script.getVariables()).isInstanceOf(List.class);
    assertThat((List<?>) script.getVariables()).hasSize(4);
    assertThat(script.getPages()).extracting(Page::getId).containsExactly("start", "second");
    assertThat(script.getSelfUri()).isEqualTo("/api/v2/scripts/" + id);

    ScriptEntityListing listing =
        scripts.getScripts(25, 1, null, "Greet", null, null, "name", "ascending", null, null);
    assertThat(listing.getEntities()).extracting(Script::getId).contains(id);
    assertThat(listing.getPageSize()).isEqualTo(25);
    assertThat(listing.getPageNumber()).isEqualTo(1);
    assertThat(listing.getTotal()).isPositive();
    assertThat(listing.getPageCount()).isEqualTo(1);
    assertThat(listing.getSelfUri()).startsWith("/api/v2/scripts?");

    List<Page> pages = scripts.getScriptPages(id, null);
    assertThat(pages).hasSize(2);
    assertThat(pages.get(1).getName()).isEqualTo("Second");
    assertThat(pages.get(1).getVersionId()).isEqualTo(script.getVersionId());
    Page page = scripts.getScriptPage(id, "second", null);
    assertThat(page.getSelfUri()).isEqualTo("/api/v2/scripts/" + id + "/pages/second");
  }

  @Test
  void theSdkReadsPublishedScripts() throws Exception {
    String id = fx.publishedScript(Fixtures.GREETING_SCRIPT);
    var scripts = new ScriptsApi(sdk);

    Script published = scripts.getScriptsPublishedScriptId(id, null);
    assertThat(published.getId()).isEqualTo(id);
    assertThat(published.getPublishedDate()).isNotNull();
    assertThat(published.getVersionDate()).isEqualTo(published.getPublishedDate());
    assertThat(published.getPages()).hasSize(2);
    assertThat(scripts.getScriptsPublishedScriptId(id, published.getVersionId()).getVersionId())
        .isEqualTo(published.getVersionId());

    ScriptEntityListing listing =
        scripts.getScriptsPublished(25, 1, null, null, null, null, null, null);
    assertThat(listing.getEntities()).extracting(Script::getId).contains(id);
    assertThat(scripts.getScriptsPublishedScriptIdPages(id, null))
        .extracting(Page::getId)
        .containsExactly("start", "second");
    assertThat(scripts.getScriptsPublishedScriptIdPage(id, "start", null).getName())
        .isEqualTo("Start");
    Object variables = scripts.getScriptsPublishedScriptIdVariables(id, "true", null, null, null);
    assertThat(variables).isInstanceOf(List.class);
    assertThat((List<?>) variables).hasSize(1);
  }

  @Test
  void theSdkReadsAConversationAndRecordsAndReadsAWrapup() throws Exception {
    String agentId = fx.user("Sdk Agent");
    String code = fx.wrapupCode("Sdk resolved");
    JsonNode call = fx.call(agentId);
    String cid = call.get("id").asString();
    JsonNode agent = Fixtures.agentOf(call);
    String pid = agent.get("id").asString();
    String commId = agent.get("calls").get(0).get("id").asString();
    var conversations = new ConversationsApi(sdk);

    Conversation live = conversations.getConversation(cid);
    assertThat(live.getId()).isEqualTo(cid);
    assertThat(live.getState()).isEqualTo(Conversation.StateEnum.CONNECTED);
    assertThat(live.getStartTime()).isNotNull();
    assertThat(live.getParticipants())
        .extracting(Participant::getPurpose)
        .containsExactly("customer", "agent");
    Participant sdkAgent = live.getParticipants().get(1);
    assertThat(sdkAgent.getUserId()).isEqualTo(agentId);
    assertThat(sdkAgent.getWrapupRequired()).isTrue();
    assertThat(sdkAgent.getCalls()).extracting(Call::getId).containsExactly(commId);
    assertThat(sdkAgent.getCalls().get(0).getState()).isEqualTo(Call.StateEnum.ALERTING);
    assertThat(live.getParticipants().get(0).getCalls().get(0).getState())
        .isEqualTo(Call.StateEnum.CONNECTED);

    conversations.postConversationDisconnect(cid);
    conversations.postConversationsCallParticipantCommunicationWrapup(
        cid, pid, commId, new WrapupInput().code(code).notes("via the SDK").durationSeconds(12));

    AssignedWrapupCode wrapup = conversations.getConversationParticipantWrapup(cid, pid, null);
    assertThat(wrapup.getCode()).isEqualTo(code);
    assertThat(wrapup.getNotes()).isEqualTo("via the SDK");
    assertThat(wrapup.getDurationSeconds()).isEqualTo(12);
    assertThat(wrapup.getEndTime()).isNotNull();

    Conversation ended = conversations.getConversation(cid);
    assertThat(ended.getState()).isEqualTo(Conversation.StateEnum.TERMINATED);
    assertThat(ended.getEndTime()).isNotNull();
    Participant wrapped = ended.getParticipants().get(1);
    assertThat(wrapped.getWrapup().getCode()).isEqualTo(code);
    assertThat(wrapped.getWrapup().getName()).startsWith("Sdk resolved");
    assertThat(wrapped.getCalls().get(0).getState()).isEqualTo(Call.StateEnum.TERMINATED);
    assertThat(wrapped.getCalls().get(0).getDisconnectedTime()).isNotNull();

    WrapupCode sdkCode = new RoutingApi(sdk).getRoutingWrapupcode(code);
    assertThat(sdkCode.getName()).startsWith("Sdk resolved");
    assertThat(sdkCode.getDateCreated()).isNotNull();
  }

  @Test
  void theSdkSeesOurErrorBody() {
    var scripts = new ScriptsApi(sdk);
    try {
      scripts.getScript("00000000-0000-0000-0000-000000000000");
      throw new AssertionError("expected a 404");
    } catch (ApiException e) {
      assertThat(e.getStatusCode()).isEqualTo(404);
      assertThat(e.getRawBody()).contains("\"code\":\"not.found\"");
      assertThat(e.getCorrelationId()).isNotBlank();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
