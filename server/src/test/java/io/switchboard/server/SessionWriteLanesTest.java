package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.config.ConfigException;
import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import io.switchboard.server.storage.Database;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code sessions.write-lanes}: auto by database, or the number given. */
class SessionWriteLanesTest {
  @Test
  void autoIsGroupCommitOnPostgresqlAndNoneOnH2() {
    Settings byDefault = Settings.of(Map.of());
    assertThat(Switchboard.sessionWriteLanes(byDefault, Database.Dialect.POSTGRES)).isEqualTo(4);
    assertThat(Switchboard.sessionWriteLanes(byDefault, Database.Dialect.H2)).isZero();
    Settings auto = Settings.of(Map.of(SettingKeys.SESSION_WRITE_LANES, " AUTO "));
    assertThat(Switchboard.sessionWriteLanes(auto, Database.Dialect.H2)).isZero();
  }

  @Test
  void aNumberIsTakenOnEitherDatabaseAndAnythingElseIsAConfigError() {
    Settings two = Settings.of(Map.of(SettingKeys.SESSION_WRITE_LANES, "2"));
    assertThat(Switchboard.sessionWriteLanes(two, Database.Dialect.H2)).isEqualTo(2);
    assertThat(Switchboard.sessionWriteLanes(two, Database.Dialect.POSTGRES)).isEqualTo(2);
    assertThatThrownBy(() ->
            Switchboard.sessionWriteLanes(
                Settings.of(Map.of(SettingKeys.SESSION_WRITE_LANES, "65")), Database.Dialect.H2))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sessions.write-lanes");
    assertThatThrownBy(() ->
            Switchboard.sessionWriteLanes(
                Settings.of(Map.of(SettingKeys.SESSION_WRITE_LANES, "many")),
                Database.Dialect.POSTGRES))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("whole number");
  }
}
