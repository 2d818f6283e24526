package com.googlesource.gerrit.plugins.imagestore.service.db;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the embedded default: an H2 file database in PostgreSQL mode. */
class H2DatabaseTest extends DatabaseContract {
  @TempDir Path dir;

  @Override
  protected Database open() {
    return Database.open(Database.embeddedUrl(dir), null, null, 4);
  }
}
