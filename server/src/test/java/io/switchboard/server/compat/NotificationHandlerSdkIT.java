package io.switchboard.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.mypurecloud.sdk.v2.ApiClient;
import com.mypurecloud.sdk.v2.api.NotificationsApi;
import com.mypurecloud.sdk.v2.extensions.notifications.NotificationEvent;
import com.mypurecloud.sdk.v2.extensions.notifications.NotificationHandler;
import com.mypurecloud.sdk.v2.extensions.notifications.NotificationListener;
import com.mypurecloud.sdk.v2.model.ChannelTopic;
import com.mypurecloud.sdk.v2.model.ConversationEventTopicConversation;
import io.switchboard.server.testing.TwoOrgServer;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The official Genesys Java SDK's {@code NotificationHandler}, unchanged: it creates a channel,
 * subscribes, connects its WebSocket and receives a conversation event with a typed body.
 */
class NotificationHandlerSdkIT extends TwoOrgServer {
  @Test
  void theSdksNotificationHandlerReceivesAConversationEvent() throws Exception {
    String agent = fx.user("SDK agent");
    String topic = "v2.users." + agent + ".conversations";
    var events = new LinkedBlockingQueue<NotificationEvent<?>>();
    NotificationListener<ConversationEventTopicConversation> listener =
        new NotificationListener<>() {
          @Override
          public String getTopic() {
            return topic;
          }

          @Override
          public Class<?> getEventBodyClass() {
            return ConversationEventTopicConversation.class;
          }

          @Override
          public void onEvent(NotificationEvent<?> event) {
            events.add(event);
          }
        };
    ApiClient sdk =
        ApiClient.Builder.standard().withBasePath(server.baseUrl()).withAccessToken(token).build();
    NotificationHandler handler =
        NotificationHandler.Builder.standard()
            .withApiClient(sdk)
            .withNotificationsApi(new NotificationsApi(sdk))
            .withNotificationListener(listener)
            // Connects at build, synchronously (the flag says "asynchronously", not "whether").
            .withAutoConnect(false)
            .build();
    try {
      assertThat(handler.getChannel().getConnectUri()).startsWith("ws://");
      List<ChannelTopic> subscribed =
          new NotificationsApi(sdk)
              .getNotificationsChannelSubscriptions(handler.getChannel().getId())
              .getEntities();
      assertThat(subscribed).extracting(ChannelTopic::getId).containsExactly(topic);

      String conversationId = fx.call(agent).get("id").asString();
      NotificationEvent<?> event = events.poll(15, TimeUnit.SECONDS);
      assertThat(event).as("an event within 15 s").isNotNull();
      assertThat(event.getTopicName()).isEqualTo(topic);
      assertThat(event.getVersion()).isEqualTo("2");
      assertThat(event.getMetadata().getCorrelationId()).isNotBlank();
      var body = (ConversationEventTopicConversation) event.getEventBody();
      assertThat(body.getId()).isEqualTo(conversationId);
      assertThat(body.getParticipants()).hasSize(2);
      var agentParticipant =
          body.getParticipants().stream().filter(p -> "agent".equals(p.getPurpose())).findFirst();
      assertThat(agentParticipant).isPresent();
      assertThat(agentParticipant.get().getUserId()).isEqualTo(agent);
      assertThat(agentParticipant.get().getCalls().getFirst().getState().toString())
          .isEqualToIgnoringCase("alerting");
    } finally {
      handler.disconnect();
    }
  }
}
