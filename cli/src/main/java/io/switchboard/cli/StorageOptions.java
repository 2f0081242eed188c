package io.switchboard.cli;

import io.switchboard.server.config.ConfigLoader;
import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by every command that opens the server's storage. */
final class StorageOptions {
  @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default ./data).")
  Path data;

  @Option(
      names = "--db",
      paramLabel = "JDBC_URL",
      description = "Database JDBC URL; default is the embedded H2 file under --data.")
  String db;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
  Path config;

  Settings settings(Map<String, String> moreFlags) {
    var flags = new HashMap<String, String>(moreFlags);
    if (data != null) flags.put(SettingKeys.DATA_DIR, data.toString());
    if (db != null) flags.put(SettingKeys.JDBC_URL, db);
    return new ConfigLoader(System.getenv()).load(config, flags);
  }
}
