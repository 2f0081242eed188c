package io.switchboard.cli;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.api.ErrorCode;

/**
 * An offline command ({@code org create}, {@code credentials rotate-key}) could not open the
 * embedded database because a running server holds it (H2 allows one process per file): one clear
 * line saying so, where that server answers ({@code server.json}) and what to do instead, in place
 * of H2's "Database may be already in use".
 */
final class OfflineConflict extends RuntimeException {
  private static final Pattern BASE_URL = Pattern.compile("\"baseUrl\"\\s*:\\s*\"([^\"]+)\"");

  private OfflineConflict(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code e} itself unless it is the embedded database being in use; then the explanation. */
  static RuntimeException explain(RuntimeException e, Settings settings, String insteadFor) {
    if (!databaseInUse(e)) return e;
    Path dataDir = settings.path(SettingKeys.DATA_DIR);
    Optional<String> baseUrl = baseUrl(dataDir);
    return new OfflineConflict(
        "a Switchboard server is running on the data directory "
            + dataDir
            + baseUrl.map(u -> " (" + u + ")").orElse("")
            + " and holds its database; "
            + insteadFor.replace("BASE_URL", baseUrl.orElse("http://HOST:PORT")),
        e);
  }

  static boolean databaseInUse(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql
          && sql.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1) return true;
    }
    return false;
  }

  private static Optional<String> baseUrl(Path dataDir) {
    try {
      Matcher m = BASE_URL.matcher(Files.readString(dataDir.resolve(ServeCommand.SERVER_JSON)));
      return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
