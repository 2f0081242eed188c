package io.switchboard.server.testing;

import io.switchboard.server.storage.Database;
import io.switchboard.server.storage.StorageConfig;
import java.util.function.Consumer;

/** Runs a storage test body once against H2 and once against PostgreSQL, each freshly migrated. */
public final class BothDatabases {
  private BothDatabases() {}

  public static void run(String dialect, Consumer<Database> body) {
    StorageConfig config =
        switch (dialect) {
          case "h2" -> TestDatabases.h2();
          case "postgres" -> TestDatabases.postgres();
          default -> throw new IllegalArgumentException(dialect);
        };
    try (Database db = Database.open(config)) {
      body.accept(db);
    } finally {
      TestDatabases.drop(config);
    }
  }
}
