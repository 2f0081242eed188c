package io.switchboard.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LimitCatalogTest {
  @ParameterizedTest
  @CsvSource({
    "/api/v2/scripts, scripts",
    "/api/v2/scripts/published/abc, scripts",
    "/api/v2/scriptsfoo, other",
    "/api/v2/agent-scripting/sessions/1, sessions",
    "/api/v2/conversations/calls/1/participants/2/communications/3/wrapup, conversations",
    "/api/v2/routing/wrapupcodes, conversations",
    "/api/v2/integrations/scripting/interactions/9/wrapup, conversations",
    "/api/v2/integrations/credentials, integrations",
    "/api/v2/architect/external-apis/query, architect",
    "/api/v2/flows/1, architect",
    "/api/v2/oauth/clients, oauth",
    "/api/v2/tokens/me, oauth",
    "/api/v2/notifications/channels, notifications",
    "/api/v2/organizations/limits/usage, organization",
    "/api/v2/users, users",
    "/api/v2/anything/else, other"
  })
  void everyPathHasOneGroup(String path, String group) {
    assertThat(EndpointGroups.of(path)).isEqualTo(group);
    assertThat(EndpointGroups.ALL).contains(group);
  }

  @Test
  void everyLimitIsAConfigKeyWithADefault() {
    Settings defaults = Settings.of(Map.of());
    for (LimitCatalog.Definition d : LimitCatalog.ALL) {
      assertThat(SettingKeys.ALL)
          .extracting(SettingKeys.Key::name)
          .contains(SettingKeys.LIMITS_PREFIX + d.key());
    }
    RateLimitConfig config = RateLimitConfig.from(defaults);
    assertThat(config.defaults())
        .containsEntry(LimitCatalog.TOKEN, 300L)
        .containsEntry(LimitCatalog.ORG, 0L);
    assertThat(config.defaults()).hasSize(LimitCatalog.ALL.size());
    assertThat(config.clustered()).isFalse();
    long limitKeys =
        SettingKeys.ALL.stream()
            .filter(k ->
                k.name().startsWith(SettingKeys.LIMITS_PREFIX)
                    && k.name().endsWith(".rate.per.minute"))
            .count();
    assertThat(limitKeys).isEqualTo(LimitCatalog.ALL.size());
  }

  @Test
  void bucketKeysParseBackToTheirLimit() {
    var limits =
        new OrgLimits(
            "o1", 7, Map.of(LimitCatalog.TOKEN, 20L, LimitCatalog.groupKey("scripts"), 5L));
    var token =
        BucketSpec.of("o1", LimitCatalog.find(LimitCatalog.TOKEN).orElseThrow(), "jti-1", 20, 7);
    assertThat(BucketSpec.parse(token.key(), limits)).contains(token);
    var group =
        BucketSpec.of(
            "o1", LimitCatalog.find(LimitCatalog.groupKey("scripts")).orElseThrow(), "o1", 5, 7);
    assertThat(BucketSpec.parse(group.key(), limits).orElseThrow().limit()).isEqualTo(5);
    assertThat(BucketSpec.parse("o2:org", limits)).isEmpty();
    assertThat(BucketSpec.parse("o1:weird:x", limits)).isEmpty();
  }

  @Test
  void retryAfterRoundsUpToWholeSecondsAndIsAtLeastOne() {
    assertThat(BucketStatus.ceilSeconds(0)).isZero();
    assertThat(BucketStatus.ceilSeconds(1)).isEqualTo(1);
    assertThat(BucketStatus.ceilSeconds(1_000_000_000L)).isEqualTo(1);
    assertThat(BucketStatus.ceilSeconds(1_000_000_001L)).isEqualTo(2);
    var spec = BucketSpec.of("o", LimitCatalog.find(LimitCatalog.TOKEN).orElseThrow(), "t", 20, 0);
    var refused = new Decision(false, java.util.List.of(new BucketStatus(spec, 20, 0, 0, 0, true)));
    assertThat(refused.retryAfterSeconds()).isEqualTo(1);
  }
}
